"""The sections of the plan template, in template order: the one list every feature walks."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    level: int = 2
    group: str = ""  # the heading this section sits under, if any
    fields: tuple[str, ...] = ()  # the plan's own fields shown in this section
    rows: tuple[str, ...] = ()  # repeatable row sets (keys of content.ROW_MODELS)
    shows: tuple[str, ...] = ()  # other row sets its page reads (Resources charts the phases)
    editable: bool = True  # Approval and Changelog are generated, never typed
    layout: tuple[str, ...] = ()  # fields and row sets in the order the page shows them

    @property
    def parts(self) -> tuple[str, ...]:
        return self.layout or (*self.fields, *self.rows)

    @property
    def reads(self) -> tuple[str, ...]:
        """The row sets to load to render this section alone."""
        return (*self.rows, *self.shows)

    @property
    def anchor(self) -> str:
        return self.key.replace("_", "-")

    @property
    def keeps_notes(self) -> bool:
        """Whether an import may keep text in this section that fits no row (NOTE_KEYS)."""
        return self.key in NOTE_KEYS


# The most rows a section holds (and tasks a phase): what a form takes and an import may bring.
MAX_ROWS = 500

# The sign-off roles the template's Approval table names, in its order.
DEFAULT_SIGNOFF_ROLES: tuple[str, ...] = ("Product Owner", "Technical Lead", "QA Lead")

GOALS_GROUP = "Goals and Requirements"
TECH_GROUP = "Technical Specifications"

SECTIONS: tuple[Section, ...] = (
    Section("overview", "Overview", fields=("overview",)),
    Section("goals", "Primary Goals", 3, GOALS_GROUP, rows=("goals",)),
    Section("success_criteria", "Success Criteria", 3, GOALS_GROUP, rows=("success_criteria",)),
    Section("user_stories", "User Stories", 3, GOALS_GROUP, rows=("user_stories",)),
    Section("architecture", "Architecture", 3, TECH_GROUP, fields=("architecture",)),
    Section("data_models", "Data Models", 3, TECH_GROUP, fields=("data_models",)),
    Section("api_endpoints", "API Endpoints", 3, TECH_GROUP, rows=("api_endpoints",)),
    Section("dependencies", "Dependencies", 3, TECH_GROUP, fields=("dependencies",)),
    Section("phases", "Implementation Phases", rows=("phases",)),
    Section(
        "testing",
        "Testing Strategy",
        fields=("unit_tests", "integration_tests", "acceptance_tests"),
    ),
    Section(
        "rollout",
        "Rollout Plan",
        fields=("deployment_strategy", "rollback_plan"),
        rows=("feature_flags",),
        layout=("deployment_strategy", "feature_flags", "rollback_plan"),
    ),
    Section("risks", "Risks and Mitigations", rows=("risks",)),
    Section(
        "resources",
        "Resources and Timeline",
        fields=(
            "planning_start",
            "planning_end",
            "development_start",
            "development_end",
            "testing_start",
            "testing_end",
            "deployment_date",
        ),
        rows=("team_members",),
        shows=("phases",),
        layout=(
            "team_members",
            "planning_start",
            "planning_end",
            "development_start",
            "development_end",
            "testing_start",
            "testing_end",
            "deployment_date",
        ),
    ),
    Section("documentation", "Documentation Updates", rows=("documentation_updates",)),
    Section("open_questions", "Open Questions", rows=("open_questions",)),
    Section("approval", "Approval", editable=False),
    Section("changelog", "Changelog", editable=False),
)

SECTIONS_BY_KEY = {s.key: s for s in SECTIONS}
EDITABLE_KEYS: tuple[str, ...] = tuple(s.key for s in SECTIONS if s.editable)

# Text an imported document held inside a section that fits no row (an introduction, a column
# no field takes), kept in Plan.section_notes under these keys, by the section that shows it.
NOTE_KEYS: dict[str, tuple[str, ...]] = {
    "goals": ("goals",),
    "success_criteria": ("success_criteria",),
    "user_stories": ("user_stories",),
    "api_endpoints": ("api_endpoints",),
    "rollout": ("feature_flags",),
    "risks": ("risks",),
    "resources": ("team_members", "timeline"),
    "documentation": ("documentation",),
    "open_questions": ("open_questions",),
}

NOTES_LABEL = "Notes kept from the imported document"


def note_labels(section: Section) -> dict[str, str]:
    """Each key of the section's kept notes, by the label its form field and its changes
    show (a section keeping two, Resources, names the sub-section of each)."""
    keys = NOTE_KEYS.get(section.key, ())
    if len(keys) == 1:
        return {keys[0]: NOTES_LABEL}
    return {key: f"{NOTES_LABEL}: {HEADINGS[key][0]}" for key in keys}


# Every heading the template writes, by the key the reader places its body under, with the other
# names real plans give it (translations included). Names are compared normalised: case,
# punctuation, emoji and leading numbers ("3.", "1.2") dropped (plans.markdown.reader.normalize).
# The writer writes the first name; the reader accepts any.
HEADINGS: dict[str, tuple[str, ...]] = {
    "overview": ("Overview", "summary", "executive summary", "introduction", "background",
                 "context", "project overview", "概述", "概览", "概要", "项目概述", "背景",
                 "개요", "resumen", "descripción general", "introducción", "visión general"),
    "goals_group": ("Goals and Requirements", "requirements", "goals and non goals",
                    "goals and non-goals", "objectives and requirements", "目标与需求", "要件",
                    "requisitos", "objetivos y requisitos"),
    "goals": ("Primary Goals",
        "主要目标", "目的",  "goals", "objectives", "key goals", "key objectives", "goal",
              "objective",
              "目标", "目標", "목표", "objetivos", "metas"),
    "success_criteria": ("Success Criteria",
        "success metrics and kpis", "kpi", "kpis", "evaluation metrics",
        "评估指标", "评价指标", "성공 지표", "métricas de éxito", "完了条件",
        "完成标准",
        "驗收標準", "成功指標",  "success metrics", "definition of done",
                         "acceptance criteria", "exit criteria", "completion criteria", "成功标准",
                         "acceptance", "quality gates", "quality gate checklist",
                         "품질 게이트", "품질 게이트 체크리스트", "质量门禁", "品質ゲート",
                         "验收标准", "成功基準",
                         "受け入れ基準", "성공 기준", "완료 기준", "criterios de éxito",
                         "criterios de aceptación"),
    "user_stories": ("User Stories", "stories", "用户故事", "ユーザーストーリー", "사용자 스토리",
                     "historias de usuario"),
    "tech_group": ("Technical Specifications", "technical specification", "technical design",
                   "technical requirements", "技术规格", "技术方案", "技術仕様", "기술 사양",
                   "especificaciones técnicas"),
    "architecture": ("Architecture", "architecture overview", "system architecture",
                     "technical architecture", "架构", "架构设计", "アーキテクチャ", "아키텍처",
                     "arquitectura"),
    "data_models": ("Data Models", "data model", "database schema", "schema", "database changes",
                    "数据模型", "データモデル", "데이터 모델", "modelos de datos",
                    "modelo de datos"),
    "api_endpoints": ("API Endpoints", "endpoints", "api", "api changes", "api design", "接口",
                      "api 接口", "接口设计", "エンドポイント", "endpoints de la api"),
    "dependencies": ("Dependencies", "external dependencies", "依赖", "依存関係", "의존성",
                     "dependencias"),
    "phases": ("Implementation Phases", "phases", "milestones", "implementation steps",
               "implementation plan", "roadmap", "phase plan", "steps", "stages", "work plan",
               "实施阶段", "实施计划", "开发阶段", "実装フェーズ", "実装計画", "구현 단계",
               "구현 계획",
               "fases de implementación", "fases", "plan de implementación", "마일스톤",
               "里程碑", "マイルストーン", "hitos"),
    "testing": ("Testing Strategy", "testing plan", "test plan", "testing", "test strategy",
                "测试策略", "测试计划", "テスト戦略", "テスト計画", "테스트 전략",
                "estrategia de pruebas", "pruebas"),
    "unit_tests": ("Unit Tests", "unit testing", "单元测试", "単体テスト", "단위 테스트",
                   "pruebas unitarias"),
    "integration_tests": ("Integration Tests", "integration testing", "集成测试", "結合テスト",
                          "통합 테스트", "pruebas de integración"),
    "acceptance_tests": ("User Acceptance Testing", "acceptance testing", "uat",
                         "acceptance tests", "验收测试", "受け入れテスト", "인수 테스트",
                         "pruebas de aceptación"),
    "rollout": ("Rollout Plan", "rollout strategy", "rollout", "deployment plan", "release plan",
                "发布计划", "上线计划", "リリース計画", "배포 계획", "plan de despliegue"),
    "deployment_strategy": ("Deployment Strategy", "deployment", "部署策略", "デプロイ戦略",
                            "배포 전략", "estrategia de despliegue"),
    "feature_flags": ("Feature Flags", "feature toggles", "feature toggle", "feature flag",
                      "flags", "功能开关", "特性开关",
                      "フィーチャーフラグ", "기능 플래그"),
    "rollback_plan": ("Rollback Plan", "rollback", "rollback strategy", "回滚计划", "回滚方案",
                      "ロールバック計画", "롤백 계획", "plan de reversión"),
    "risks": ("Risks and Mitigations",
        "risk", "risk mitigation", "riesgos y ambigüedades", "리스크", "風險", "風險與緩解",
        "风险与对策",
         "risk assessment", "risks", "risk register", "challenges", "challenges and solutions",
              "risks and mitigation", "risk analysis", "risk management", "known risks",
              "risks & mitigations", "风险", "风险与缓解", "风险评估", "リスク", "リスクと対策",
              "위험", "위험 및 완화", "riesgos", "riesgos y mitigaciones", "threat register",
              "threats", "threat assessment"),
    "resources": ("Resources and Timeline", "resources", "resources and schedule",
                  "资源与时间表", "リソースとスケジュール", "recursos y cronograma"),
    "team_members": ("Team Members", "team", "团队", "团队成员", "チーム", "팀", "equipo"),
    "timeline": ("Timeline", "schedule", "时间表", "时间线", "スケジュール", "일정", "cronograma"),
    "documentation": ("Documentation Updates", "documentation", "docs", "文档", "文档更新",
                      "ドキュメント", "문서", "documentación"),
    "open_questions": ("Open Questions",
        "待确认问题", "未決問題", "待決問題",  "questions", "unresolved questions", "open issues",
                       "未决问题", "待定问题", "开放问题", "未解決の質問", "未解決事項",
                       "미해결 질문",
                       "preguntas abiertas"),
    "approval": ("Approval", "approvals", "sign off", "signoff", "sign offs",
                 "stakeholder approval", "审批", "承認", "승인", "aprobación"),
    "changelog": ("Changelog", "change log", "document history", "revision history",
                  "version history", "变更记录", "変更履歴", "변경 이력", "historial de cambios"),
    "notes": ("Additional Notes", "附加说明", "備考", "추가 참고", "notas adicionales"),
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    """A table column of a row set: the row field it fills, the heading the writer writes, and
    the other headings real tables give it (normalised as headings are)."""

    field: str
    title: str
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        return (self.title, *self.aliases)


# The tables of the row sets written as tables, in the writer's column order; the first column
# names the row (a row is made only when it is filled).
COLUMNS: dict[str, tuple[Column, ...]] = {
    "api_endpoints": (
        Column("endpoint", "Endpoint", ("path", "route", "url", "端点", "路径", "ruta")),
        Column("method", "Method", ("verb", "http method", "方法", "método")),
        Column("request_body", "Request Body", ("request", "body", "payload", "input", "请求")),
        Column("response", "Response", ("response body", "returns", "output", "响应")),
        Column("description", "Description", ("purpose", "notes", "details", "说明", "描述",
                                               "descripción")),
    ),
    "feature_flags": (
        Column("name", "Flag", ("name", "feature flag", "flag name", "toggle", "key", "开关",
                                "名称", "nombre")),
        Column("default", "Default", ("default value", "initial", "默认", "默认值",
                                      "valor por defecto")),
        Column("description", "Description", ("purpose", "notes", "details", "说明", "描述",
                                              "descripción", "用途")),
        Column("owner", "Owner", ("负责人", "responsable")),
    ),
    "risks": (
        Column("risk", "Risk", ("risks", "리스크", "風險", "issue", "description of risk", "threat",
        "concern",
                                "风险", "リスク", "위험", "riesgo", "description")),
        Column("impact", "Impact", ("severity", "嚴重度", "严重度", "严重性", "영향도", "影响",
        "影響", "영향",
        "impacto", "severidad")),
        Column("likelihood", "Likelihood", ("probability", "chance", "可能性", "概率",
                                            "発生確率", "가능성", "probabilidad")),
        Column("mitigation", "Mitigation", ("mitigation strategy", "mitigations", "response plan",
                                            "response", "contingency", "对策", "對策", "대응",
                                            "대응 방안",
                                            "緩解措施", "应对", "應對", "缓解", "缓解措施",
                                            "应对措施", "対策", "완화", "mitigación")),
    ),
    "team_members": (
        Column("name", "Name", ("member", "person", "who", "individual", "assignee",
                                "assigned to", "姓名", "名前", "이름", "nombre")),
        Column("role", "Role", ("responsibility", "title", "角色", "役割", "역할", "rol")),
    ),
}  # fmt: skip

COLUMNS["approvals"] = (
    Column("role", "Role", ("角色", "役割", "역할", "rol", "team", "function")),
    Column("name", "Name", ("approver", "signed by", "姓名", "审批人", "名前", "이름", "nombre")),
    Column("date", "Date", ("signed", "日期", "日付", "날짜", "fecha")),
    Column("signature", "Signature", ("status", "approval", "sign off", "签名", "署名", "서명",
                                      "firma", "estado")),
)  # fmt: skip

# The line the writer puts over an imported document's approval record, in the Approval section.
APPROVAL_INTRO = (
    "Earlier approval record, as typed in the imported document (not sign-offs in Plansign):"
)

# Risk levels as written in real tables, by the level they mean (a level of two words, such as
# "High-Medium", is read by its first word; "Critical" is the highest there is).
LEVEL_WORDS: dict[str, tuple[str, ...]] = {
    "high": ("high", "h", "critical", "very high", "severe", "major", "高", "높음", "상", "alta",
    "alto",
             "crítico", "crítica"),
    "medium": ("medium", "med", "m", "moderate", "mid", "中", "중간", "중", "media", "medio"),
    "low": ("low", "l", "minor", "very low", "negligible", "低", "낮음", "하", "baja", "bajo"),
}  # fmt: skip
