"""Tasks within phases written in the shapes real plans use: which lists, labels and
sub-headings are a phase's work and which are its details, criteria or deliverables."""

from __future__ import annotations

from tests.plans.test_markdown_reader import phases, read


def test_a_list_under_a_task_headings_changes_label_is_not_more_tasks():
    # "#### 2.1 …" is one task; what its "Changes:" label lists is how it is done
    document = (
        "# Plan: P\n\n### Phase 1: Build\n\n#### 1.1 Write the loop\n\n**Changes**:\n"
        "- Pick a motion at random\n- Buffer frames\n\n#### 1.2 Join the clips\n\nBy eye.\n"
    )
    assert phases(read(document)) == [("Build", ["1.1 Write the loop", "1.2 Join the clips"])]


def test_a_heading_over_a_fence_in_a_phase_of_checklists_is_not_a_task():
    # the boxes are the phase's work; "#### Week 1 Git Commit" over its commands is a detail
    document = (
        "# Plan: P\n\n### Week 1 — Data\n\n#### What I Will Do\n\n- [ ] Load the CSV\n"
        "- [x] Validate it\n\n#### Week 1 Git Commit\n\n```bash\ngit push\n```\n"
    )
    assert phases(read(document)) == [("Data", ["Load the CSV", "Validate it"])]


def test_a_bullet_list_sub_heading_among_task_headings_is_one_task():
    # its siblings are each one task (over code, over numbered steps): so is it, and its
    # bullets belong to it, as a nested bullet belongs to its task
    document = (
        "# Plan: P\n\n## Phase 3: Integrations\n\n### Ads API\n1. Create the project\n"
        "2. Ask for a token\n\n### Setup\n```bash\nnpm install\n```\n\n### Scheduler\n"
        "- Daily collection\n- Retries\n"
    )
    assert phases(read(document)) == [("Integrations", ["Ads API", "Setup", "Scheduler"])]


def test_unit_and_integration_tests_in_a_testing_phase_are_its_tasks():
    document = (
        "# Plan: P\n\n## Phase 7: Testing\n\n### Unit Tests\n```js\ntest()\n```\n\n"
        "### Integration Tests\n- API tests\n- Database tests\n\n### E2E Tests\n```ts\nit()\n```\n"
    )
    assert phases(read(document)) == [("Testing", ["Unit Tests", "Integration Tests", "E2E Tests"])]


def test_a_phases_bold_facts_are_no_tasks_but_what_its_scope_lists_is():
    document = (
        "# Plan: P\n\n### Phase 1: Rewrite\n- **Goal**: a loop that is ours\n- **Scope**:\n"
        "  - Import the agent\n  - Keep the interface\n- **Success signal**: types check\n\n"
        "### Phase 2: Verify\n- **Goal**: it works\n- **Scope**: run the CLI\n"
        "- **Success signal**: files listed\n"
    )
    assert phases(read(document)) == [
        ("Rewrite", ["Import the agent", "Keep the interface"]),
        ("Verify", ["run the CLI"]),
    ]


def test_a_criteria_item_in_a_phases_list_is_not_a_task():
    document = "# Plan: P\n\n### Phase 1: Build\n\n- Code it\n- Exit criteria: tests pass\n"
    assert phases(read(document)) == [("Build", ["Code it"])]


def test_bold_track_lines_are_phases_and_a_deliverables_item_is_no_task():
    document = (
        "# Plan: P\n\n## Part 1 - Checkpoint\n\n**Track A - Current state**\n- Flow mapped.\n"
        "- Deliverables: `docs/current.md`.\n\n**Track B - Drivers**\n- Drivers defined.\n"
    )
    content = read(document)
    assert phases(content) == [
        ("Current state", ["Flow mapped."]),
        ("Drivers", ["Drivers defined."]),
    ]
    assert content.phases[0].deliverables == "`docs/current.md`."


def test_paragraphs_each_led_by_a_bold_name_are_a_phases_tasks():
    document = (
        "# Plan: P\n\n## Implementation\n\n### Stubs\n\n**ERP stub** (`erp/`, port 8001): "
        "`POST /orders`.\n\n**WMS stub** (`wms/`): `GET /stock`.\n\n**`compose.yml`**: one "
        "`up` starts all.\n"
    )
    assert phases(read(document)) == [
        (
            "Stubs",
            [
                "**ERP stub** (`erp/`, port 8001): `POST /orders`.",
                "**WMS stub** (`wms/`): `GET /stock`.",
                "**`compose.yml`**: one `up` starts all.",
            ],
        )
    ]


def test_paragraphs_led_by_a_phases_facts_are_not_its_tasks():
    document = (
        "# Plan: P\n\n### Phase 1: Build\n\n**Goal**: a build that passes.\n\n"
        "**Duration**: 2 weeks.\n"
    )
    assert phases(read(document)) == [("Build", [])]


def test_task_elements_under_a_tasks_element_are_the_tasks_of_the_documents_phase():
    # a GSD phase plan: "<task>" elements with their "<name>", the phase named in front matter
    document = (
        '---\nphase: 01-ingest\nplan: 01\n---\n\n<tasks>\n\n<task type="auto">\n'
        "  <name>Task 1: Define the models</name>\n  <action>\n    Create them.\n  </action>\n"
        '</task>\n\n<task type="auto">\n  <name>Task 2: Load the rows</name>\n</task>\n\n'
        "</tasks>\n"
    )
    assert phases(read(document)) == [
        ("01-ingest", ["Task 1: Define the models", "Task 2: Load the rows"])
    ]


def test_a_tasks_element_without_task_elements_is_no_phase():
    document = "# Plan: P\n\n<tasks>\n\nNothing yet.\n\n</tasks>\n"
    assert phases(read(document)) == []
