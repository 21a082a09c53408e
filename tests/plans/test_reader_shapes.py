"""Phases and tasks written in the shapes real plans use, each read into the rows a person
counts, and no phantom row."""

from __future__ import annotations

from tests.plans.test_markdown_reader import phases, read


def test_a_rollouts_phases_are_its_stages_not_phases_of_work():
    document = (
        "# Plan: P\n\n## Detailed Phases\n\n### Phase 1: Build\n\n- Code\n\n"
        "## Rollout Checklist\n\n### Phase 1 Checklist\n\n- [ ] Flag on\n- [ ] Watch\n"
    )
    assert phases(read(document)) == [("Build", ["Code"])]


def test_a_test_plans_phases_are_not_phases_of_work():
    document = (
        "# Plan: P\n\n### Week 1: Setup\n\n- Install\n\n## Testing Plan\n\n"
        "### Execution\n\n#### Phase 1: Smoke tests\n\n- Run them\n"
    )
    assert phases(read(document)) == [("Setup", ["Install"])]


def test_rollout_phases_are_the_phases_when_the_heading_says_so():
    document = "# Plan: P\n\n## Rollout Phases\n\n### Phase 0: Pre-rollout\n\n- Prepare\n"
    assert phases(read(document)) == [("Pre-rollout", ["Prepare"])]


def test_a_weeks_deliverables_heading_is_no_phase():
    document = (
        "# Plan: P\n\n### Week 1: Setup\n\n- Install\n\n## Outputs\n\n"
        "### Week 1 Deliverables\n\n- A build\n"
    )
    assert phases(read(document)) == [("Setup", ["Install"])]


def test_phase_headings_over_sprints_group_them():
    document = (
        "# Plan: P\n\n## Phase 2 Sprints (Weeks 5-8)\n\n### Sprint 2: Search\n\n- Index\n\n"
        "### Sprint 3: Export\n\n- CSV\n"
    )
    assert phases(read(document)) == [("Search", ["Index"]), ("Export", ["CSV"])]


def test_activities_of_a_phase_are_its_tasks():
    document = (
        "# Plan: P\n\n### Phase 1: Beta\n**Duration**: 1 week\n\n**Configuration**:\n"
        "```yaml\nx: 1\n```\n\n**Activities**:\n- [ ] Enable in dev\n- [x] Test\n\n"
        "**Go/No-Go Decision**:\n- [ ] No bugs\n"
    )
    assert phases(read(document)) == [("Beta", ["Enable in dev", "Test"])]


def test_a_fence_inside_a_fenced_sample_does_not_end_it():
    document = (
        "# Plan: P\n\n## Data Model\n\n```yaml\ncontext: |\n  Text.\n\n  ```python\n"
        "  code()\n  ```\n```\n\n## Primary Goals\n\n- Faster\n"
    )
    content = read(document)
    assert [g.text for g in content.goals] == ["Faster"]
    assert "code()" in content.plan.data_models


def test_sub_headings_of_a_phase_that_start_like_a_section_are_its_work():
    document = (
        "# Plan: P\n\n### Week 1: Setup\n\n#### 1.1 API Testing Framework\n"
        "- [ ] Install Supertest\n- [ ] Seed data\n"
    )
    assert phases(read(document)) == [("Setup", ["Install Supertest", "Seed data"])]


def test_an_endpoint_heading_in_a_phase_is_an_endpoint_not_a_task():
    document = (
        "# Plan: P\n\n### Phase 1: API\n\n#### 1.1 Controller\n\nText.\n\n"
        "##### POST /api/start\n\n- Request: `{}`\n"
    )
    content = read(document)
    assert [(e.method, e.endpoint) for e in content.api_endpoints] == [("POST", "/api/start")]
    assert phases(content) == [("API", ["1.1 Controller"])]


def test_numbered_sub_headings_of_a_phase_are_its_tasks_and_their_lists_details():
    document = (
        "# Plan: P\n\n### Phase 1: Base\n\n#### 1.1 Types\n\n**File**: `a.ts`\n\n- field a\n"
        "- field b\n\n#### 1.2 Queue\n\n```ts\nq()\n```\n"
    )
    assert phases(read(document)) == [("Base", ["1.1 Types", "1.2 Queue"])]


def test_a_checklist_of_a_phase_is_its_tasks():
    document = (
        "# Plan: P\n\n### Phase 2 — Backend\n**Status:** Scaffolded\n\n**Checklist:**\n"
        "- [ ] Create project\n- [x] Seed data\n\n**Files:**\n- [a.ts](a.ts)\n"
    )
    assert phases(read(document)) == [("Backend", ["Create project", "Seed data"])]


def test_a_label_naming_nothing_else_over_a_phases_first_list_names_its_work():
    document = (
        "# Plan: P\n\n### Step 2: GAS\n\nChanges:\n- G1: JSDoc\n- G2: payload\n\n"
        "**Verification:**\n- It compiles\n"
    )
    assert phases(read(document)) == [("GAS", ["G1: JSDoc", "G2: payload"])]


def test_a_table_of_a_phases_work_gives_one_task_a_row():
    document = (
        "# Plan: P\n\n### Sprint 2: Search\n\n#### Week 5 Objectives\n"
        "| Squad | Goals | Deliverables |\n|---|---|---|\n| **ML** | F1 80% | - Model<br>- API |\n"
    )
    assert phases(read(document)) == [("Search", ["**ML** — F1 80% — - Model<br>- API"])]


def test_phases_written_only_as_a_table():
    document = (
        "# Plan: P\n\n## 5. Project Phases\n| Phase | Description |\n|---|---|\n"
        "| Phase 1 | Train the model |\n| Phase 2 | Store embeddings |\n"
    )
    assert phases(read(document)) == [("Train the model", []), ("Store embeddings", [])]


def test_a_table_of_phases_is_no_phase_when_phase_headings_say_them():
    document = (
        "# Plan: P\n\n## Overview\n\n| Stage | Weeks |\n|---|---|\n| Stage 1 | 1-2 |\n\n"
        "## Plan\n\n### Stage 1: Build\n\n- Code\n"
    )
    assert phases(read(document)) == [("Build", ["Code"])]


def test_phase_headings_numbered_with_a_full_stop():
    document = "# Plan: P\n\n## Phase 1. 기반\n\n- 설정\n\n## Phase 2. 확장\n\n- 배포\n"
    assert phases(read(document)) == [("기반", ["설정"]), ("확장", ["배포"])]


def test_bold_items_carrying_the_template_tasks_label_are_phases():
    document = (
        "# Plan: P\n\n## Implementation Plan\n\n### MVS (Priority 1)\nFirst the core:\n\n"
        "1. **Payee cleanup**\n   - **Tasks:**\n     1. Write the service\n     2. Add the UI\n"
        "   - **Estimated Effort:** 1 person-day\n\n2. **Connect**\n   - **Tasks:**\n"
        "     1. Wire import\n   - **Estimated Effort:** 2 person-days\n"
    )
    content = read(document)
    assert phases(content) == [
        ("Payee cleanup", ["Write the service", "Add the UI"]),
        ("Connect", ["Wire import"]),
    ]
    assert [p.phase.effort for p in content.phases] == [1, 2]


def test_weeks_after_the_rollout_are_not_phases():
    document = (
        "# Plan: P\n\n## Rollout Phases\n\n### Phase 1: Beta\n\n- Enable\n\n"
        "## Post-Rollout Activities\n\n### Week 5-6: Optimization\n\n- Tune\n"
    )
    assert phases(read(document)) == [("Beta", ["Enable"])]


def test_a_table_under_a_phase_with_no_label_is_not_its_tasks():
    document = (
        "# Plan: P\n\n### Step 3: Assess\n\n| Assumption | Confidence |\n|---|---|\n| A | Low |\n"
    )
    assert phases(read(document)) == [("Assess", [])]


def test_numbered_steps_under_a_phases_sub_heading_are_one_task():
    document = (
        "# Plan: P\n\n## 3단계: API 연동\n\n### Google Ads API\n1. 프로젝트 생성\n2. API 활성화\n\n"
        "### Meta Ads API\n1. 앱 생성\n"
    )
    assert phases(read(document)) == [("API 연동", ["Google Ads API", "Meta Ads API"])]


def test_phases_under_a_heading_that_says_phases_outside_the_phases_section():
    document = (
        "# Plan: P\n\n## Phases\n\n- [ ] **Phase 25: Schema** - tables\n\n## Phase Details\n\n"
        "### Phase 25: Schema\n**Goal**: tables\n**Success Criteria** (what must be TRUE):\n"
        "  1. Tables exist\n\nPlans:\n- [ ] 25-01-PLAN.md — migrate\n- [ ] 25-02: TBD\n"
    )
    assert phases(read(document)) == [("Schema", ["25-01-PLAN.md — migrate"])]


def test_a_phase_told_again_in_a_recap_is_not_a_second_phase():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\n### Phase 1: Setup\n\n- Install\n\n"
        "## Effort\n\n### Phase-by-Phase Breakdown\n\n#### Phase 1: Setup (2 hours)\n\n- Config\n"
    )
    assert phases(read(document)) == [("Setup", ["Install"])]


def test_phases_written_as_bold_list_items_over_their_tasks():
    document = (
        "# 実装計画\n\n## フェーズ分割\n1. **Phase 1: レイアウト**\n"
        "   - シートを生成する。\n"
        "   - スクリプトで構築する。\n2. **Phase 2: UI 強化**\n   - 書式を追加する。\n"
    )
    assert phases(read(document)) == [
        ("レイアウト", ["シートを生成する。", "スクリプトで構築する。"]),
        ("UI 強化", ["書式を追加する。"]),
    ]


def test_bold_group_lines_among_a_phases_tasks_keep_them_tasks():
    document = (
        "# Plan: P\n\n### Week 1 — Data\n\n#### What I Will Do\n\n**Day 1-2: Setup**\n"
        "- [ ] Init repo\n\n**Day 3: Validate**\n- [ ] Write checks\n\n**What You'll Learn:**\n"
        "- Pandas\n\n#### Week 1 Deliverable\n- A pipeline\n"
    )
    assert phases(read(document)) == [("Data", ["Init repo", "Write checks"])]


def test_endpoints_listed_in_a_fence_under_a_phases_api_label():
    document = (
        "# Plan: P\n\n## API Endpoints\n\n- GET /api/me - the user\n\n### Phase 1: Auth\n\n"
        "**Tasks:**\n- [ ] Login\n\n**API Endpoints:**\n```\nPOST /api/login\nGET  /api/me\n```\n"
    )
    content = read(document)
    assert [(e.method, e.endpoint) for e in content.api_endpoints] == [
        ("GET", "/api/me"),
        ("POST", "/api/login"),
    ]
    assert phases(content) == [("Auth", ["Login"])]


def test_with_no_phase_named_a_heading_over_a_checklist_is_a_phase():
    document = (
        "# Plan: P\n\n## 3. Tracked Issues\n\n### 3.1 Lock down inserts — [#2](x)\n\n"
        "**Priority:** High\n\n- [ ] Add a policy\n- [x] Test it\n\n"
        "## 4. Ideas\n\n### 4.1 Badges\n\n- Maybe later\n"
    )
    assert phases(read(document)) == [("Lock down inserts — [#2](x)", ["Add a policy", "Test it"])]


def test_with_no_phase_named_task_headings_are_work_packages():
    document = (
        "# Plan: P\n\n## Task 1: Parser\n\n### 1.1 Tokens\n\nText.\n\n"
        "## Task 2: Tests\n\nOne file.\n"
    )
    assert phases(read(document)) == [("Task 1: Parser", ["1.1 Tokens"]), ("Task 2: Tests", [])]


def test_in_a_phase_that_keeps_a_checklist_its_first_checklist_is_the_work():
    document = (
        "# Plan: P\n\n### Phase 6 — Notifications\n\n**How it works:**\n1. API checks tokens\n"
        "2. Twilio sends\n\n**Setup steps:**\n- [ ] Create account\n- [ ] Add keys\n\n"
        "**Files:**\n- [a.ts](a.ts)\n"
    )
    assert phases(read(document)) == [("Notifications", ["Create account", "Add keys"])]


def test_a_sub_heading_over_bold_phase_lines_is_no_phase_and_nor_are_its_siblings():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\n### Phase Details\n\n**Phase 1: Rewrite**\n"
        "- Swap the loop\n\n**Phase 2: Adapt**\n- Read the output\n\n### Parallelism Notes\n\n"
        "Phase 1 before 2.\n"
    )
    assert phases(read(document)) == [
        ("Rewrite", ["Swap the loop"]),
        ("Adapt", ["Read the output"]),
    ]


def test_a_phase_heading_naming_the_kind_of_the_phases_under_it_groups_them():
    # "Phase 1 Sprint Plan" over "Sprint N": the sprints are the phases; but "(Weeks 5-6)" in
    # a sprint's name is its span, and its "Week 5" sub-heading is a part of it
    document = (
        "# Plan: P\n\n## 3. Phase 1 Sprint Plan (8 weeks)\n\n### Sprint 1 (Week 1-2) — Base\n\n"
        "- Boot\n\n### Sprint 2: Search (Weeks 3-4)\n\n#### Week 3 Objectives\n\n- Index\n"
    )
    assert phases(read(document)) == [("Base", ["Boot"]), ("Search (Weeks 3-4)", ["Index"])]


def test_a_bold_step_line_in_a_section_of_no_phases_is_a_step_not_a_phase():
    document = (
        "# Plan: P\n\n## Strategic Fit\n\n**Step 1: Estimate Usage**\n| Stage | Notes |\n"
        "|---|---|\n| Markets that could use it | 2 |\n\n**Step 2: Calculate Impact**\n"
        "- *Cost:* trends down\n"
    )
    assert phases(read(document)) == []


def test_a_bold_step_line_under_the_implementation_steps_is_a_phase():
    document = "# Plan: P\n\n## Implementation Steps\n\n**Step 1: Setup**\n- Install\n"
    assert phases(read(document)) == [("Setup", ["Install"])]


def test_a_table_whose_first_column_names_no_phase_is_no_table_of_phases():
    document = (
        "# Plan: P\n\n## Sizing\n\n| Stage | Notes |\n|---|---|\n"
        "| Markets that could use it | 2 |\n\n## Plan\n\n| Phase | Description |\n|---|---|\n"
        "| Phase 1 | Train |\n| 2 | Embed |\n"
    )
    assert phases(read(document)) == [("Train", []), ("Embed", [])]


def test_a_rollouts_phases_told_in_paragraphs_are_the_phases_of_a_plan_with_no_other():
    # each "**Phase N (Qx):** …" paragraph a phase; its "Passing criteria:" bullet is its
    # criterion, not its work
    document = (
        "# Plan: P\n\n## Rollout Plan\n\n**Approach:** Phased\n\n**Phase 1 (Q1):** The API ships."
        "\n- Passing criteria: a sync in a day\n\n**Phase 2 (Q3):** A first market.\n"
    )
    assert phases(read(document)) == [("Phase 1 (Q1)", []), ("Phase 2 (Q3)", [])]


def test_a_rollouts_phases_are_not_phases_when_a_table_names_the_phases():
    document = (
        "# Plan: P\n\n## Plan\n\n| Phase | Description |\n|---|---|\n| 1 | Train |\n\n"
        "## Rollout Plan\n\n**Phase 1 (Q1):** The API ships.\n"
    )
    assert phases(read(document)) == [("Train", [])]


def test_a_track_is_a_phase_only_when_a_number_or_capital_letter_names_it():
    from plans.markdown.reader import phase_name

    assert phase_name("Track A - Analysis") == "Analysis"
    assert phase_name("Workstream 2: Data") == "Data"
    assert phase_name("Track a new metric") is None
    assert phase_name("Tracked issues") is None


def test_a_parts_implementation_heading_holds_its_work_packages_as_phases():
    # "Part 2 - Implementation (delivered)": the phases' section; its "### A, B, C" sub-heading
    # is a package of several pieces of work, not the section its first words name
    document = (
        "# Plan: P\n\n## Part 2 - Implementation (delivered and merged)\n\n### Outbox layer\n\n"
        "1. Outbox table\n2. Publisher task\n\n### Integration tests, report, demo script\n\n"
        "1. **Test suite** in `tests/`\n2. **Report** in `docs/`\n"
    )
    assert phases(read(document)) == [
        ("Outbox layer", ["Outbox table", "Publisher task"]),
        (
            "Integration tests, report, demo script",
            ["**Test suite** in `tests/`", "**Report** in `docs/`"],
        ),
    ]


def test_implementation_details_is_no_section_of_phases():
    document = "# Plan: P\n\n## Implementation Details\n\n### Backend\n\n- Django\n"
    assert phases(read(document)) == []


def test_milestones_in_korean_are_the_phases_and_a_scenarios_stages_are_not():
    document = (
        "# Plan: P\n\n## 핵심 시나리오\n\n### 1단계: 대기\n\n- 로봇이 대기한다.\n\n"
        "## 마일스톤\n\n### M1: 기반 구축\n\n- 저장소 생성\n\n### M2: 감지\n\n- 센서 연결\n"
    )
    assert phases(read(document)) == [
        ("M1: 기반 구축", ["저장소 생성"]),
        ("M2: 감지", ["센서 연결"]),
    ]
