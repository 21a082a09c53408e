"""The shapes real plans are written in, each read into rows (issue #15), and nothing lost."""
# ruff: noqa: RUF001 (documents in Chinese are written with full-width colons)

from __future__ import annotations

import pytest

from plans.markdown.reader import ImportError_, parse_plan
from plans.markdown.writer import write_plan
from tests.plans.corpus import heading_order_problems, words_lost


def read(document: str):
    content = parse_plan(document).content
    exported = write_plan(content)
    assert words_lost(document, exported) == []
    again = write_plan(parse_plan(exported).content)
    assert again == exported  # a fixed point
    assert heading_order_problems(exported) == []
    return content


def phases(content) -> list[tuple[str, list[str]]]:
    return [(p.phase.name, [t.text for t in p.tasks]) for p in content.phases]


@pytest.mark.parametrize("hashes", ["##", "###", "####"])
def test_phases_as_headings_of_any_level(hashes):
    content = read(f"# Plan: P\n\n{hashes} Phase 1: Build\n\n- Write\n- Test\n")
    assert phases(content) == [("Build", ["Write", "Test"])]


@pytest.mark.parametrize(
    ("heading", "name"),
    [
        ("**Phase 2: Build**", "Build"),
        ("### Step 1 — Setup", "Setup"),
        ("### Stage 3: Ship", "Ship"),
        ("### Milestone 2: Beta", "Beta"),
        ("### Sprint 4", "Sprint 4"),
        ("### Week 1: Kickoff", "Kickoff"),
        ("### Phase 0: Prep", "Prep"),
        ("### Phase 3+: Later", "Later"),
        ("### 阶段一：准备", "准备"),
        ("### 第2阶段：开发", "开发"),
        ("### 2단계: 개발", "개발"),
        ("### フェーズ1: 設計", "設計"),
        ("### Fase 1: Diseño", "Diseño"),
        ("### 🚀 Phase 1: Launch", "Launch"),
    ],
)
def test_phases_in_every_common_wording(heading, name):
    content = read(f"# Plan: P\n\n## Implementation Phases\n\n{heading}\n\n- Do it\n")
    assert phases(content) == [(name, ["Do it"])]


def test_numbered_sub_headings_of_the_phases_section_are_phases():
    document = (
        "# Plan: P\n\n## 3. Phase Plan\n\n### 1.1 Setup\n\n- Install\n\n"
        "### 1.2 Build\n\n- Code\n\n## Open Questions\n\n- Why?\n"
    )
    content = read(document)
    assert phases(content) == [("Setup", ["Install"]), ("Build", ["Code"])]
    assert [q.text for q in content.open_questions] == ["Why?"]


def test_phases_beside_the_phases_heading_are_phases():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\nThree of them.\n\n"
        "## Phase 1: One\n\n- a\n\n## Phase 2: Two\n\n- b\n"
    )
    assert phases(read(document)) == [("One", ["a"]), ("Two", ["b"])]


def test_a_phases_sub_headings_belong_to_the_phase():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\n### Phase 1: Build\n\n#### Tasks\n\n- Code\n\n"
        "#### Deliverables\n\n- A build\n\n#### Success criteria\n\n- Green\n\n"
        "#### Rollback\n\nRevert.\n"
    )
    content = read(document)
    assert phases(content) == [("Build", ["Code"])]
    assert content.phases[0].phase.deliverables == "- A build"
    assert content.success_criteria == []  # the phase's own, kept with the phase
    assert "#### Success criteria" in content.plan.additional_notes


@pytest.mark.parametrize(
    "tasks",
    [
        "- Write\n- Test\n",
        "1. Write\n2. Test\n",
        "**Tasks:**\n\n- Write\n- Test\n",
        "**Tasks**:\n- Write\n- Test\n",
        "- [ ] Write\n- [ ] Test\n",
    ],
)
def test_tasks_as_any_list_with_or_without_a_label(tasks):
    content = read(f"# Plan: P\n\n## Implementation Phases\n\n### Phase 1: Build\n\n{tasks}")
    assert phases(content) == [("Build", ["Write", "Test"])]


def test_a_ticked_task_is_done_and_nested_items_stay_with_their_task():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\n### Phase 1: Build\n\n"
        "- [x] Write\n  - the parser\n  - the writer\n- [ ] Test\n"
    )
    content = read(document)
    assert phases(content) == [("Build", ["Write - the parser - the writer", "Test"])]
    assert [t.done for t in content.phases[0].tasks] == [True, False]


def test_a_list_under_another_label_is_not_tasks():
    document = (
        "# Plan: P\n\n## Implementation Phases\n\n### Phase 1: Build\n\n**Tasks:**\n\n- Code\n\n"
        "**Files to Modify**:\n\n- app.py\n"
    )
    content = read(document)
    assert phases(content) == [("Build", ["Code"])]
    assert "- app.py" in content.plan.additional_notes


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        (
            "| Risk | Impact | Likelihood | Mitigation |\n|---|---|---|---|\n"
            "| Outage | High | Low | Failover |\n",
            ("Outage", "high", "low", "Failover"),
        ),
        (
            "| Mitigation | Probability | Issue | Severity |\n|---|---|---|---|\n"
            "| Failover | M | Outage | H |\n",
            ("Outage", "high", "medium", "Failover"),
        ),
        (
            "| Risk | Impact | Likelihood | Response |\n|---|---|---|---|\n"
            "| Outage | Critical | High-Medium | Failover |\n",
            ("Outage", "high", "high", "Failover"),
        ),
        (
            "| 风险 | 影响 | 可能性 | 缓解措施 |\n|---|---|---|---|\n| 宕机 | 高 | 低 | 切换 |\n",
            ("宕机", "high", "low", "切换"),
        ),
        (
            "| Riesgo | Impacto | Probabilidad | Mitigación |\n|---|---|---|---|\n"
            "| Caída | Alta | Baja | Respaldo |\n",
            ("Caída", "high", "low", "Respaldo"),
        ),
    ],
)
def test_risk_tables_with_any_column_names_order_and_levels(table, expected):
    content = read(f"# Plan: P\n\n## Risks\n\n{table}")
    risk = content.risks[0]
    assert (risk.risk, risk.impact, risk.likelihood, risk.mitigation) == expected


def test_risks_written_as_a_list():
    document = (
        "# Plan: P\n\n## Risks\n\n- **Risk:** Outage **Mitigation:** Failover\n"
        "- Slow pages — mitigation: a cache\n"
    )
    content = read(document)
    assert [(r.risk, r.mitigation) for r in content.risks] == [
        ("Outage", "Failover"),
        ("Slow pages", "a cache"),
    ]


@pytest.mark.parametrize("heading", ["Acceptance Criteria", "Definition of Done", "成功标准"])
def test_success_criteria_under_other_names_and_as_checklists(heading):
    content = read(f"# Plan: P\n\n## {heading}\n\n- [ ] Fast\n- [ ] Small\n")
    assert [c.text for c in content.success_criteria] == ["Fast", "Small"]


def test_non_goals_are_not_goals():
    document = "# Plan: P\n\n## Goals\n\n- Fast\n\n## Non-Goals\n\n- Pretty\n"
    content = read(document)
    assert [g.text for g in content.goals] == ["Fast"]
    assert "- Pretty" in content.plan.additional_notes


def test_feature_flags_with_extra_columns_or_as_a_list():
    table = (
        "# Plan: P\n\n## Feature Flags\n\n| Flag | Default | Owner | Purpose |\n"
        "|---|---|---|---|\n| `sync` | off | Ann | Turns sync on |\n"
    )
    flag = read(table).feature_flags[0]
    assert (flag.name, flag.default, flag.owner, flag.description) == (
        "sync",
        "off",
        "Ann",
        "Turns sync on",
    )
    listed = read("# Plan: P\n\n## Feature Flags\n\n- `sync`: turns sync on\n").feature_flags
    assert [(f.name, f.description) for f in listed] == [("sync", "turns sync on")]


def test_team_members_as_a_list_or_a_table():
    listed = read("# Plan: P\n\n## Team\n\n- Ann — Lead\n- **Bo**: QA\n").team_members
    assert [(m.name, m.role) for m in listed] == [("Ann", "Lead"), ("Bo", "QA")]
    table = "# Plan: P\n\n## Team Members\n\n| Role | Name |\n|---|---|\n| Lead | Ann |\n"
    assert [(m.name, m.role) for m in read(table).team_members] == [("Ann", "Lead")]


def test_open_questions_as_checkboxes_ticked_is_resolved():
    content = read("# Plan: P\n\n## Open Questions\n\n- [x] Which DB?\n- [ ] Which cloud?\n")
    assert [(q.text, q.resolved) for q in content.open_questions] == [
        ("Which DB?", True),
        ("Which cloud?", False),
    ]


def test_front_matter_and_html_comments_are_never_content():
    document = (
        "---\ntitle: x\n---\n# Plan: P\n\n<!-- - not a goal -->\n\n## Goals\n\n"
        "<!--\n- hidden\n-->\n- Real\n"
    )
    content = read(document)
    assert [g.text for g in content.goals] == ["Real"]


def test_a_four_backtick_fence_holds_a_three_backtick_line_and_a_heading():
    document = (
        "# Plan: P\n\n## Architecture\n\n````md\n```\n## Goals\n- not a goal\n```\n````\n\n"
        "## Goals\n\n- Real\n"
    )
    content = read(document)
    assert [g.text for g in content.goals] == ["Real"]
    assert "## Goals\n- not a goal" in content.plan.architecture


def test_escaped_pipes_crlf_and_bom():
    document = (
        "\ufeff# Plan: P\r\n\r\n## API Endpoints\r\n\r\n| Endpoint | Method | Description |\r\n"
        "|---|---|---|\r\n| `/a` | GET | a \\| b |\r\n"
    )
    text = document.encode("utf-8").decode("utf-8-sig").replace("\r\n", "\n")
    endpoint = read(text).api_endpoints[0]
    assert (endpoint.endpoint, endpoint.method, endpoint.description) == ("/a", "GET", "a | b")


@pytest.mark.parametrize(
    ("document", "goals"),
    [
        ("# 计划：同步\n\n## 目标\n\n- 离线可用\n- 自动同步\n", ["离线可用", "自动同步"]),
        ("# 計画\n\n## 目標\n\n- オフライン対応\n", ["オフライン対応"]),
        ("# 계획\n\n## 목표\n\n- 오프라인 지원\n", ["오프라인 지원"]),
        ("# Plan\n\n## Objetivos\n\n- Sincronizar sin conexión\n", ["Sincronizar sin conexión"]),
    ],
)
def test_documents_in_chinese_japanese_korean_and_spanish(document, goals):
    assert [g.text for g in read(document).goals] == goals


@pytest.mark.parametrize(
    "document",
    [
        "# P\n" + "- x\n" * 6_000,
        "# P\n| a |\n|---|\n" + "| x |\n" * 6_000,
        "# P\n" + "a|b\n-|-\n" * 3_000,  # table rows need no leading pipe
        "# P\n" + "> x\n" * 6_000,
        "# a\n- b\n" * 3_600,
    ],
)
def test_a_document_of_too_many_list_items_or_table_rows_is_refused_before_reading(document):
    with pytest.raises(ImportError_, match="list items, table rows and quoted lines"):
        parse_plan(document)


def test_a_user_story_comes_back_word_for_word():
    story = "As an auditor, I want every change logged, so that I can trace it"
    content = read(f"# Plan: P\n\n## User Stories\n\n- {story}\n- 作为审计员，我希望记录每次更改\n")
    assert [s.sentence for s in content.user_stories] == [story, "作为审计员，我希望记录每次更改"]
    assert f"- {story}\n" in write_plan(content)
    assert content.user_stories[0].emphasis == ("As an ", "auditor", story[len("As an auditor") :])


def test_a_field_that_ends_inside_a_code_fence_is_closed_on_export():
    document = "# Plan: P\n\n## Architecture\n\n```yaml\nkey: value\n\n## Not a heading\n"
    content = read(document)  # words, fixed point and heading order checked there
    assert content.plan.architecture.endswith("## Not a heading")
    assert "## Not a heading\n```\n\n### Data Models" in write_plan(content)
