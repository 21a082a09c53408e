"""Row sections written in the shapes real plans use (tables, lists, labels), each read into
the rows a person counts, and no phantom row."""

from __future__ import annotations

from tests.plans.test_markdown_reader import read


def test_completion_criteria_of_a_stage_are_success_criteria():
    content = read("# Plan: P\n\n## Stage 1 Completion Criteria\n\n- [ ] Tests pass\n")
    assert [c.text for c in content.success_criteria] == ["Tests pass"]
    assert content.phases == []


def test_a_phases_risks_are_risks_of_the_plan():
    document = (
        "# Plan: P\n\n### Phase 1: Build\n\n- Code\n\n## Risk Management\n\n"
        "#### Phase 2 Risks\n\n| Risk | Impact | Mitigation |\n|---|---|---|\n"
        "| Outage | High | Failover |\n"
    )
    content = read(document)
    assert [(r.risk, r.impact) for r in content.risks] == [("Outage", "high")]
    assert len(content.phases) == 1


def test_a_risk_named_by_a_heading_with_its_facts_on_lines():
    document = (
        "# Plan: P\n\n## Risk Mitigation\n\n### Risk 1: Budget exceeded\n"
        "**Likelihood**: Low\n**Impact**: High (breaks small models)\n**Mitigation**:\n"
        "- Cap the size\n- Alert\n\n### Risk 2: Drift\n**Likelihood**: Medium\n"
        "**Mitigation**: Re-index nightly\n"
    )
    risks = [(r.risk, r.impact, r.likelihood, r.mitigation) for r in read(document).risks]
    assert risks == [
        ("Risk 1: Budget exceeded", "high", "low", "Cap the size; Alert"),
        ("Risk 2: Drift", "medium", "medium", "Re-index nightly"),
    ]


def test_a_feature_toggle_inventory_is_the_feature_flags():
    document = (
        "# Plan: P\n\n## Feature Toggle Inventory\n\n### Core\n\n"
        "| Toggle | Default | Purpose |\n|---|---|---|\n| `new_ui` | false | New screens |\n"
    )
    assert [(f.name, f.default) for f in read(document).feature_flags] == [("new_ui", "false")]


def test_key_objectives_under_the_summary_are_goals():
    document = "# Plan: P\n\n## Summary\n\nWhy.\n\n### Key Objectives\n\n- Faster\n- Safer\n"
    assert [g.text for g in read(document).goals] == ["Faster", "Safer"]


def test_risk_levels_in_capitals_are_kept_as_written():
    document = (
        "# Plan: P\n\n## Risks and Mitigations\n\n| Risk | Impact | Likelihood | Mitigation |\n"
        "|---|---|---|---|\n| XSS | CRITICAL | LOW | Sanitize |\n"
    )
    assert [(r.impact, r.likelihood) for r in read(document).risks] == [("high", "low")]


def test_endpoints_written_as_a_list():
    document = (
        "# Plan: P\n\n### API Changes\n\n- [x] POST /api/auth/login - Sign in\n"
        "- `GET /api/me`: the user\n- Rate limits apply\n"
    )
    content = read(document)
    rows = [(e.method, e.endpoint, e.description) for e in content.api_endpoints]
    assert rows == [("POST", "/api/auth/login", "Sign in"), ("GET", "/api/me", "the user")]


def test_a_row_section_named_after_a_qualifier():
    document = (
        "# Plan: P\n\n## Project Goals\n\n- Faster\n\n## Non-Goals\n\n- Mobile\n\n"
        "## 데모 성공 기준\n\n- 시연 완료\n"
    )
    content = read(document)
    assert [g.text for g in content.goals] == ["Faster"]
    assert [c.text for c in content.success_criteria] == ["시연 완료"]


def test_evaluation_metrics_and_their_groups_are_success_criteria():
    document = (
        "# Plan: P\n\n## 七、评估指标\n\n### 性能指标\n\n- 延迟 < 1s\n\n"
        "### Business Success Metrics\n\n- 100 users\n"
    )
    assert [c.text for c in read(document).success_criteria] == ["延迟 < 1s", "100 users"]


def test_team_members_in_a_table_whose_names_are_under_individual():
    document = (
        "# Plan: P\n\n## Team Roles and Responsibilities\n\n"
        "| Role | Responsibilities | Individual |\n"
        "|---|---|---|\n| Lead | Plans | Ann |\n"
    )
    assert [(m.name, m.role) for m in read(document).team_members] == [("Ann", "Lead")]


def test_open_questions_written_as_a_table():
    document = (
        "# Plan: P\n\n## Open Questions\n\n| # | Question | Decide by |\n|---|---|---|\n"
        "| OQ-1 | **Parser**: which one? | Phase A |\n"
    )
    content = read(document)
    assert [q.text for q in content.open_questions] == ["OQ-1 — **Parser**: which one? — Phase A"]


def test_open_questions_written_as_bold_titles_over_paragraphs():
    document = (
        "# Plan: P\n\n## Preguntas Abiertas\n\n**Integración**\n\n¿Qué nivel se requiere?\n\n"
        "**Escalabilidad**\n\n¿Cómo crecer?\n"
    )
    assert [q.text for q in read(document).open_questions] == [
        "**Integración** ¿Qué nivel se requiere?",
        "**Escalabilidad** ¿Cómo crecer?",
    ]


def test_documentation_updates_written_as_a_table():
    document = (
        "# Plan: P\n\n## Documentation Updates\n\n| File | Change |\n|---|---|\n"
        "| README.md | New flag |\n"
    )
    assert [d.text for d in read(document).documentation_updates] == ["README.md — New flag"]


def test_a_risk_table_whose_impact_is_told_not_rated():
    document = (
        "# Plan: P\n\n## 7. 리스크\n\n| 리스크 | 영향 | 대응 |\n|---|---|---|\n"
        "| 모델 저신뢰 | 사용자 이탈 | 재촬영 |\n"
    )
    risks = [(r.risk, r.impact, r.mitigation) for r in read(document).risks]
    assert risks == [("모델 저신뢰", "medium", "재촬영")]


def test_success_criteria_written_as_check_marked_lines():
    document = (
        "# Plan: P\n\n## Success Criteria\n\nBy the end:\n\n✅ App deployed  \n✅ Tests pass  \n"
    )
    assert [c.text for c in read(document).success_criteria] == ["✅ App deployed", "✅ Tests pass"]


def test_challenges_with_their_solutions_are_risks():
    document = (
        "# Plan: P\n\n## Potential Challenges and Solutions\n\n### Challenge 1: Paths\n\n"
        "**Problem**: paths may not exist.\n\n**Solution**:\n- Clear errors\n- Fallback\n"
    )
    risks = [(r.risk, r.mitigation) for r in read(document).risks]
    assert risks == [("Challenge 1: Paths", "Clear errors; Fallback")]


def test_rows_under_a_bold_label_in_a_section_of_no_template_name():
    document = (
        "# Plan: P\n\n## Scope\n\nWhat we change.\n\n**Technical Risks**\n\n"
        "| Risk | Likelihood | Mitigation |\n|---|---|---|\n| Format change | M | Adapter |\n\n"
        "**Documentation Updates**\n- [ ] README\n"
    )
    content = read(document)
    assert [(r.risk, r.likelihood) for r in content.risks] == [("Format change", "medium")]
    assert [d.text for d in content.documentation_updates] == ["README"]
    assert "What we change." in content.plan.additional_notes


def test_a_lead_line_with_its_facts_listed_under_it_is_one_row():
    document = (
        "# Plan: P\n\n## Success Metrics\n\n**Primary Metric:** Time to first sync\n"
        "- Current: unmeasured\n- Target: 1 day\n\n**Guardrails:**\n- Opt-out rate: flat\n"
    )
    assert [c.text for c in read(document).success_criteria] == [
        "**Primary Metric:** Time to first sync - Current: unmeasured - Target: 1 day",
        "Opt-out rate: flat",
    ]


def test_links_after_a_thematic_break_are_not_success_criteria():
    # the rows end at the break: a footer of links to other documents is no criterion
    document = (
        "# Plan: P\n\n## Definition of Done\n\n- [ ] Code reviewed\n- [ ] Tests pass\n\n---\n\n"
        "**For Detailed Sprint Information**:\n- [Sprint 2](./sprint2.md)\n"
    )
    content = read(document)
    assert [c.text for c in content.success_criteria] == ["Code reviewed", "Tests pass"]


def test_documentation_under_expected_outcomes_is_not_documentation_updates():
    # the documents the work delivers, beside its code and figures: outcomes, not updates
    document = (
        "# Plan: P\n\n## Expected Outcomes\n\n### Code Quality\n\n- 95% coverage\n\n"
        "### Documentation\n\n- A test report\n- A run guide\n\n## Documentation Updates\n\n"
        "- README\n"
    )
    assert [d.text for d in read(document).documentation_updates] == ["README"]


def test_risk_mitigation_under_a_rollout_strategy_is_its_safeguards_not_risks():
    document = (
        "# Plan: P\n\n## Rollout Strategy Overview\n\n### Risk Mitigation\n\n"
        "- **Feature Toggles**: Instant rollback\n- **Dark Launch**: Few users first\n\n"
        "## Risk Management\n\n| Risk | Probability | Impact | Mitigation |\n|---|---|---|---|\n"
        "| Outage | Low | High | Failover |\n"
    )
    assert [(r.risk, r.impact, r.likelihood) for r in read(document).risks] == [
        ("Outage", "high", "low")
    ]


def test_risk_mitigation_as_the_plans_own_section_holds_its_risks():
    document = (
        "# Plan: P\n\n## Risk Mitigation\n\n| Risk | Mitigation |\n|---|---|\n"
        "| Outage | Failover |\n"
    )
    assert [(r.risk, r.mitigation) for r in read(document).risks] == [("Outage", "Failover")]


def test_a_one_line_goal_written_as_a_paragraph_is_the_goal():
    document = "# Plan: P\n\n## One-line goal\n\nBuild a robot that guides people home.\n"
    assert [g.text for g in read(document).goals] == ["Build a robot that guides people home."]


def test_a_purpose_paragraph_is_not_a_goal():
    document = "# Plan: P\n\n## 目的\n\nトレンドを一覧化するアプリを提供する。\n"
    assert read(document).goals == []


def test_an_acceptance_list_is_the_success_criteria():
    document = "# Plan: P\n\n## Acceptance\n\n- `apply --check` is a CI gate.\n- No kernel calls.\n"
    assert [c.text for c in read(document).success_criteria] == [
        "`apply --check` is a CI gate.",
        "No kernel calls.",
    ]


def test_a_success_criteria_element_over_a_list_is_the_success_criteria():
    # a GSD plan's "<success_criteria>" (the parser reads it as text, and takes its closing
    # tag into the list's last item): its items are the criteria, the tags kept as written
    document = (
        "# Plan: P\n\n<success_criteria>\n- Records parse.\n- Bad rows stop the run.\n"
        "</success_criteria>\n"
    )
    assert [c.text for c in read(document).success_criteria] == [
        "Records parse.",
        "Bad rows stop the run.",
    ]


def test_a_threat_register_is_the_risks_and_a_closing_tag_is_no_row():
    document = (
        "# Plan: P\n\n<threat_model>\n## STRIDE Threat Register\n\n"
        "| Threat ID | Category | Mitigation Plan |\n|---|---|---|\n| T-1 | T | Validate rows |\n"
        "</threat_model>\n"
    )
    assert [(r.risk, r.mitigation) for r in read(document).risks] == [("T-1", "Validate rows")]


def test_a_quality_gate_checklist_is_the_success_criteria():
    document = (
        "# Plan: P\n\n## 5. Common Quality Gate Checklist\n\n"
        "- [ ] **Tests**: one unit test per feature\n- [ ] **Security**: no secrets in logs\n"
    )
    assert [c.text for c in read(document).success_criteria] == [
        "**Tests**: one unit test per feature",
        "**Security**: no secrets in logs",
    ]
