"""Realistic demo plans that fill every section of the template.

`demo_plans()` builds fresh, unsaved content trees on every call; the demo loader attaches them to
a team and an author and saves them. Nothing here touches the database.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from plans.content import PhaseContent, PlanContent
from plans.models import (
    ApiEndpoint,
    DocumentationUpdate,
    FeatureFlag,
    Goal,
    OpenQuestion,
    Phase,
    Plan,
    Risk,
    SuccessCriterion,
    Task,
    TeamMember,
    UserStory,
)


def demo_plans() -> list[PlanContent]:
    """Three demo plans (long, medium, short), built anew on every call."""
    return [_offline_sync(), _saml_sso(), _audit_log_export()]


# --- Small builders -------------------------------------------------------------------------


def _goals(*texts: str) -> list[Goal]:
    return [Goal(text=text) for text in texts]


def _criteria(*texts: str) -> list[SuccessCriterion]:
    return [SuccessCriterion(text=text) for text in texts]


def _story(user_type: str, action: str, benefit: str) -> UserStory:
    sentence = f"As a {user_type}, I want to {action}"
    return UserStory(sentence=f"{sentence} so that {benefit}" if benefit else sentence)


def _endpoint(
    endpoint: str, method: str, request_body: str, response: str, description: str
) -> ApiEndpoint:
    return ApiEndpoint(
        endpoint=endpoint,
        method=method,
        request_body=request_body,
        response=response,
        description=description,
    )


def _phase(name: str, effort: str, deliverables: str, tasks: list[str]) -> PhaseContent:
    phase = Phase(name=name, effort=Decimal(effort), deliverables=deliverables)
    return PhaseContent(phase, [Task(text=text) for text in tasks])


def _flag(name: str, description: str) -> FeatureFlag:
    return FeatureFlag(name=name, description=description)


def _risk(risk: str, impact: str, likelihood: str, mitigation: str) -> Risk:
    return Risk(risk=risk, impact=impact, likelihood=likelihood, mitigation=mitigation)


def _members(*pairs: tuple[str, str]) -> list[TeamMember]:
    return [TeamMember(name=name, role=role) for name, role in pairs]


def _docs(*texts: str) -> list[DocumentationUpdate]:
    return [DocumentationUpdate(text=text) for text in texts]


def _question(text: str, *, resolved: bool = False) -> OpenQuestion:
    return OpenQuestion(text=text, resolved=resolved)


# --- 1. Offline Sync (the long one) -----------------------------------------------------------


def _offline_sync() -> PlanContent:
    plan = Plan(
        title="Offline Sync",
        overview=(
            "Field teams use the Fieldbook mobile app and the web app in warehouses, basements "
            "and on job sites where connectivity is intermittent or absent. Today every edit is "
            "a direct API call: when the network drops, the form shows a spinner, then an error, "
            "and the user's work is lost. Support tickets tagged `offline` are our largest "
            "category (31% of tickets last quarter).\n\n"
            "This plan makes both clients **offline-first**: edits are written to a local store "
            "immediately, queued as operations, and synchronised in the background when a "
            "connection is available. Concurrent edits to the same record are merged "
            "automatically where possible and surfaced to the user when they genuinely "
            "conflict.\n\n"
            "In scope:\n\n"
            "- Offline create, edit and delete of **inspections**, **checklist items** and "
            "**notes** (attachments are queued but uploaded only on Wi-Fi by default)\n"
            "- A background sync engine for iOS, Android and the web app (service worker)\n"
            "- Field-level conflict detection and a conflict resolution screen\n"
            "- A visible sync status indicator and a per-device outbox\n\n"
            "Out of scope for this release: offline access to reports and analytics, "
            "peer-to-peer sync between devices, and offline user administration."
        ),
        architecture=(
            "The design follows an **operation log** model: clients never send whole records, "
            "they send the list of field-level operations they applied locally since the last "
            "acknowledged sync. The server is the single source of truth and assigns every "
            "accepted operation a monotonically increasing `server_seq`.\n\n"
            "Components:\n\n"
            "- **Local store**: SQLite (via the existing persistence layer) on mobile, IndexedDB "
            "on the web. Holds a copy of the records in the user's assigned projects plus the "
            "outbox of pending operations.\n"
            "- **Sync engine** (shared TypeScript package `@fieldbook/sync`): batches pending "
            "operations, pushes them, pulls remote changes since the last `server_seq` cursor, "
            "and applies them to the local store in one transaction. Runs on app foreground, on "
            "connectivity change, every 5 minutes in the background (iOS `BGAppRefreshTask`, "
            "Android `WorkManager`) and from the web service worker's Background Sync event.\n"
            "- **Sync API** (new Django app `sync` in the monolith): validates operations "
            "against the current record version, applies them, writes the change feed and "
            "returns accepted, rebased and rejected operations.\n"
            "- **Change feed**: an append-only `sync_change` table indexed by "
            "`(project_id, server_seq)`, pruned after 90 days; clients older than the pruning "
            "horizon do a full resync.\n"
            "- **Conflict resolver**: non-overlapping field edits merge automatically; "
            "concurrent edits to the same field are ordered by a **hybrid logical clock** "
            "(HLC) rather than device wall-clock time, and text fields that both sides changed "
            "produce a `SyncConflict` the user resolves in the app.\n\n"
            "Data flow for one edit:\n\n"
            "1. The user edits a field; the client writes the record and an `Operation` to the "
            "local store in a single transaction and updates the UI immediately.\n"
            "2. The sync engine sends the outbox to `POST /api/sync/push` in batches of at most "
            "200 operations, each carrying an idempotency key.\n"
            "3. The server applies or rejects each operation and returns the results; the "
            "client drops acknowledged operations from the outbox.\n"
            "4. The client pulls `GET /api/sync/changes?since=<cursor>` and applies remote "
            "changes, re-applying any still-pending local operations on top.\n\n"
            "Authentication reuses the existing OAuth access tokens; the refresh token is "
            "stored in the platform keychain so a sync can run hours after the app was last "
            "opened."
        ),
        data_models=(
            "Each synchronised record gains a `version` (incremented by the server on every "
            "accepted operation) and a `deleted_at` tombstone so deletions propagate. Clients "
            "keep the following structures locally; the server mirrors `Operation` in the "
            "`sync_operation` table and `SyncConflict` in `sync_conflict`.\n\n"
            "```typescript\n"
            "// A hybrid logical clock timestamp: wall time plus a logical counter.\n"
            "interface Hlc {\n"
            "  wallMs: number;\n"
            "  counter: number;\n"
            "  nodeId: string; // device id, breaks ties deterministically\n"
            "}\n"
            "\n"
            "interface Operation {\n"
            "  id: string; // UUID, also the idempotency key\n"
            '  entity: "inspection" | "checklist_item" | "note";\n'
            "  entityId: string;\n"
            '  kind: "create" | "update" | "delete";\n'
            "  fields: Record<string, unknown>; // only the fields that changed\n"
            "  baseVersion: number; // record version the edit was made against\n"
            "  hlc: Hlc;\n"
            '  status: "pending" | "sent" | "acked" | "rejected";\n'
            "}\n"
            "\n"
            "interface SyncState {\n"
            "  deviceId: string;\n"
            "  cursor: number; // last server_seq applied locally\n"
            "  lastSuccessAt: string | null; // ISO 8601\n"
            "  pendingCount: number;\n"
            "}\n"
            "\n"
            "interface SyncConflict {\n"
            "  id: string;\n"
            "  entity: string;\n"
            "  entityId: string;\n"
            "  field: string;\n"
            "  localValue: unknown;\n"
            "  remoteValue: unknown;\n"
            "  remoteAuthor: string;\n"
            "  detectedAt: string;\n"
            '  resolution: "local" | "remote" | "merged" | null;\n'
            "}\n"
            "```\n\n"
            "**Migrations**: adding `version` and `deleted_at` to `inspection`, "
            "`checklist_item` and `note` is backwards compatible (defaults `1` and `NULL`). "
            "Existing list endpoints filter out tombstoned rows, so older clients are unaffected."
        ),
        dependencies=(
            "- **iOS**: `BGTaskScheduler` (iOS 15+), existing GRDB persistence layer\n"
            "- **Android**: Jetpack `WorkManager` 2.9, Room 2.6\n"
            "- **Web**: Workbox 7 for the service worker, `idb` wrapper for IndexedDB; "
            "Background Sync API where supported (Chromium), foreground polling elsewhere\n"
            "- **Backend**: Django 5.2 monolith, PostgreSQL 16 (logical sequences for "
            "`server_seq`), Celery for change-feed pruning\n"
            "- **Internal**: Auth service (long-lived refresh tokens), Attachments service "
            "(resumable uploads via the `tus` protocol), Design system team for the conflict "
            "screen components\n"
            "- **Observability**: existing Datadog dashboards; new `sync.*` metrics emitted "
            "from both clients and server"
        ),
        unit_tests=(
            "- `@fieldbook/sync`: property-based tests (fast-check) proving that applying any "
            "interleaving of the same operations converges to the same state\n"
            "- HLC: ordering, tie-breaking by `nodeId`, and behaviour when a device clock "
            "jumps backwards or forwards by up to 24 hours\n"
            "- Conflict resolver: table-driven tests for every field type (text, number, "
            "enum, list, attachment reference)\n"
            "- Server: operation validation, idempotent replays, tombstone handling and "
            "permission checks per operation\n"
            "- Target: **90% line coverage** on the sync package and the `sync` Django app"
        ),
        integration_tests=(
            "A dedicated CI job runs the sync engine against a real backend in Docker with a "
            "network proxy (Toxiproxy) that injects latency, drops and mid-batch disconnects. "
            "Scenarios cover two devices editing the same inspection offline, a device "
            "offline for 30 days, a push interrupted after the server committed but before the "
            "client received the response (must not duplicate), token expiry during a long "
            "sync, and a schema upgrade while operations are still in the outbox. Mobile "
            "scenarios run nightly on Firebase Test Lab and the BrowserStack device cloud."
        ),
        acceptance_tests=(
            "UAT runs for two weeks with 25 volunteers from three pilot customers (Northgate "
            "Facilities, Harbor Logistics and the internal QA field team). Each participant "
            "completes a scripted set of offline inspections in airplane mode, edits shared "
            "records with a colleague, and resolves at least one conflict.\n\n"
            "Acceptance criteria:\n\n"
            "- No reported data loss across all sessions\n"
            "- At least 80% of participants resolve a conflict without help\n"
            "- Sync status is rated *clear* or *very clear* by at least 75% in the exit survey"
        ),
        deployment_strategy=(
            "1. Ship the backend `sync` app and migrations dark (endpoints behind "
            "`offline_sync_api`), verify in staging with replayed production traffic.\n"
            "2. Release mobile builds 5.4 with the engine compiled in but disabled; web behind "
            "the same flags.\n"
            "3. Enable for internal users, then the three pilot customers (about 400 devices).\n"
            "4. Percentage rollout by organisation: 5%, 25%, 50%, 100% over three weeks, "
            "advancing only if sync error rate stays below 0.5% and no P1 incident is open.\n"
            "5. Remove the legacy online-only code path two releases after 100%."
        ),
        rollback_plan=(
            "Turning off `offline_sync_enabled` returns clients to online-only mode at their "
            "next launch; clients first **flush the outbox** (push pending operations) before "
            "disabling local edits, so no queued work is discarded. If the server side "
            "misbehaves, `offline_sync_api` returns `503` with `Retry-After` and clients keep "
            "operations queued locally until it is re-enabled. Database migrations are "
            "additive only; rolling back the application release does not require reverting "
            "them. A runbook entry in `ops/runbooks/offline-sync.md` lists the exact steps and "
            "the dashboards to watch."
        ),
        planning_start=date(2026, 2, 2),
        planning_end=date(2026, 2, 27),
        development_start=date(2026, 3, 2),
        development_end=date(2026, 6, 19),
        testing_start=date(2026, 5, 25),
        testing_end=date(2026, 7, 10),
        deployment_date=date(2026, 7, 21),
    )
    return PlanContent(
        plan=plan,
        goals=_goals(
            "Let users create, edit and delete inspections, checklist items and notes with no "
            "network connection",
            "Synchronise local changes automatically in the background when connectivity "
            "returns, without user action",
            "Never lose an edit: every local change is either accepted by the server or "
            "surfaced to the user",
            "Detect concurrent edits at field level and merge non-conflicting changes "
            "automatically",
            "Give users a clear resolution screen for genuine conflicts",
            "Show sync status and pending changes at all times",
            "Share one sync engine between iOS, Android and the web app",
            "Keep the existing online API and older app versions working unchanged",
            "Expose sync health metrics so support and engineering can diagnose issues per device",
        ),
        success_criteria=_criteria(
            "Zero confirmed data-loss incidents during the pilot and the first 60 days after "
            "general availability",
            "95% of queued operations are synchronised within 60 seconds of connectivity returning",
            "Fewer than 2% of synced records require manual conflict resolution",
            "Offline-related support tickets drop by at least 50% within one quarter of launch",
            "Sync adds less than 3% to median battery use per hour of active use on mobile",
            "Web app p95 time-to-interactive stays under 2.5 seconds with a local store of "
            "10,000 records",
        ),
        user_stories=[
            _story(
                "field inspector",
                "complete an inspection in a basement with no signal",
                "I do not have to redo my work once I am back upstairs",
            ),
            _story(
                "field inspector",
                "see how many of my changes are still waiting to sync",
                "I know whether it is safe to switch off my phone at the end of the day",
            ),
            _story(
                "site supervisor",
                "edit the same inspection as a colleague while we are both offline",
                "we can split the checklist without waiting for each other",
            ),
            _story(
                "site supervisor",
                "choose which version to keep when my colleague and I changed the same note",
                "the final record reflects what actually happened on site",
            ),
            _story(
                "office coordinator",
                "see field updates appear on the web app without refreshing",
                "I can schedule follow-up work as soon as an inspection is done",
            ),
            _story(
                "support engineer",
                "view a device's sync history and outbox",
                "I can diagnose a customer's sync problem without asking for their phone",
            ),
        ],
        api_endpoints=[
            _endpoint(
                "/api/sync/push",
                "POST",
                "`{ deviceId, operations: Operation[] }` (max 200)",
                "`{ accepted: string[], rebased: Operation[], rejected: Rejection[] }`",
                "Applies a batch of client operations idempotently; replays of an "
                "already-accepted operation id return the original result.",
            ),
            _endpoint(
                "/api/sync/changes",
                "GET",
                "N/A (query: `since`, `limit`, `projectId`)",
                "`{ changes: Change[], cursor: number, hasMore: boolean }`",
                "Returns changes after the given `server_seq` cursor for the projects the user "
                "can access; `410 Gone` when the cursor is older than the pruning horizon.",
            ),
            _endpoint(
                "/api/sync/snapshot",
                "GET",
                "N/A (query: `projectId`)",
                "`{ records: SyncRecord[], cursor: number }` (streamed NDJSON)",
                "Full snapshot used for first sync and after a `410` from the change feed.",
            ),
            _endpoint(
                "/api/sync/conflicts/:id",
                "PATCH",
                "`{ resolution, value? }`",
                "`SyncConflict`",
                "Resolves a conflict with `local`, `remote` or `merged` (with `value`); the "
                "chosen value is applied as a new operation.",
            ),
            _endpoint(
                "/api/sync/devices",
                "POST",
                "`{ deviceId, platform, appVersion }`",
                "`SyncState`",
                "Registers a device for sync and returns its initial state.",
            ),
            _endpoint(
                "/api/sync/devices/:deviceId",
                "DELETE",
                "N/A",
                "`204 No Content`",
                "Unregisters a device (sign-out or remote wipe) and discards its server-side "
                "cursor.",
            ),
            _endpoint(
                "/api/sync/stream",
                "WS",
                "`{ subscribe: projectId[] }`",
                '`{ type: "changes", cursor: number }` notifications',
                "Optional push channel telling online clients to pull; clients fall back to "
                "polling when the socket is unavailable.",
            ),
            _endpoint(
                "/api/admin/sync/devices/:deviceId/log",
                "GET",
                "N/A (query: `from`, `to`)",
                "`SyncLogEntry[]`",
                "Support-only view of a device's recent sync attempts, errors and outbox size.",
            ),
        ],
        phases=[
            _phase(
                "Design and spikes",
                "6",
                "- Architecture decision record for the operation log and HLC\n"
                "- Spike reports for iOS background execution and web Background Sync\n"
                "- Approved conflict screen designs",
                [
                    "Write ADR for operation-log sync versus whole-record sync",
                    "Spike: background refresh budget on iOS 17 and Android 14",
                    "Spike: IndexedDB performance with 10,000 records on a mid-range laptop",
                    "Design conflict resolution flows with the design system team",
                    "Define the sync metrics and dashboard layout",
                ],
            ),
            _phase(
                "Backend sync API",
                "12",
                "- `sync` Django app with push, changes and snapshot endpoints\n"
                "- Additive migrations for `version` and `deleted_at`\n"
                "- Load test report at 3x current peak write volume",
                [
                    "Add `version` and `deleted_at` columns with backfill migration",
                    "Implement the `sync_operation` and `sync_change` tables",
                    "Build `POST /api/sync/push` with idempotency keys",
                    "Build `GET /api/sync/changes` and the streamed snapshot endpoint",
                    "Add per-operation permission checks reusing project policies",
                    "Schedule Celery task to prune the change feed after 90 days",
                    "Load test with Locust at 3x peak",
                ],
            ),
            _phase(
                "Shared sync engine",
                "10",
                "- `@fieldbook/sync` package published to the internal registry\n"
                "- Property-based convergence test suite in CI",
                [
                    "Implement the outbox and batching with retry and exponential backoff",
                    "Implement the hybrid logical clock",
                    "Implement pull, apply and rebase of pending local operations",
                    "Implement field-level merge and conflict detection",
                    "Write fast-check convergence tests",
                    "Publish the package and document its public API",
                ],
            ),
            _phase(
                "Mobile clients",
                "8.5",
                "- iOS and Android 5.4 builds with offline editing behind a flag\n"
                "- Sync status indicator and outbox screen",
                [
                    "Wire the local store to the sync engine on iOS and Android",
                    "Schedule background sync with BGTaskScheduler and WorkManager",
                    "Add the sync status indicator to the app header",
                    "Build the outbox screen listing pending changes",
                    "Queue attachments for Wi-Fi upload via the tus client",
                ],
            ),
            _phase(
                "Web client and conflict UI",
                "7",
                "- Service worker with Background Sync and IndexedDB store\n"
                "- Conflict resolution screen on web and mobile",
                [
                    "Add Workbox service worker and IndexedDB store to the web app",
                    "Register Background Sync with polling fallback for Safari and Firefox",
                    "Build the conflict resolution screen (side-by-side diff)",
                    "Subscribe online clients to `/api/sync/stream`",
                    "Accessibility review of the new screens (WCAG 2.2 AA)",
                ],
            ),
            _phase(
                "Hardening and rollout",
                "4.5",
                "- Pilot feedback report and fixes\n"
                "- Runbook, dashboards and alerts\n"
                "- Staged rollout completed to 100%",
                [
                    "Run chaos scenarios with Toxiproxy in staging",
                    "Create Datadog dashboards and alerts for sync error rate and lag",
                    "Write the on-call runbook",
                    "Run the pilot with three customers and triage feedback",
                    "Execute staged rollout and remove the online-only path",
                ],
            ),
        ],
        feature_flags=[
            _flag(
                "offline_sync_enabled",
                "Master switch per organisation: enables local edits, the outbox and "
                "background sync. Turning it off flushes the outbox and returns the client to "
                "online-only mode.",
            ),
            _flag(
                "offline_sync_api",
                "Server-side kill switch for the sync endpoints; when off they return 503 "
                "with Retry-After and clients keep operations queued.",
            ),
            _flag(
                "offline_sync_attachments",
                "Allows attachments to be captured offline and uploaded later; default upload "
                "on Wi-Fi only.",
            ),
            _flag(
                "offline_sync_realtime_stream",
                "Enables the WebSocket change notifications; when off, clients poll every 60 "
                "seconds while online.",
            ),
        ],
        risks=[
            _risk(
                "Clock skew between devices reorders edits",
                "high",
                "medium",
                "Order concurrent edits with a hybrid logical clock seeded from server time on "
                "every sync, never raw device time; tests simulate clocks off by up to 24 "
                "hours.",
            ),
            _risk(
                "Silent data loss from a bug in merge or rebase logic",
                "high",
                "low",
                "Property-based convergence tests, server keeps every operation for 90 days so "
                "records can be reconstructed, and an audit job compares client checksums with "
                "the server nightly during the pilot.",
            ),
            _risk(
                "iOS throttles background refresh, so changes sit in the outbox for hours",
                "medium",
                "high",
                "Sync on foreground and connectivity change as well; show pending count "
                "prominently and a local notification when changes are older than 24 hours.",
            ),
            _risk(
                "Users misunderstand the conflict screen and pick the wrong version",
                "medium",
                "medium",
                "Usability testing during UAT, clear author and time labels, and the losing "
                "value is kept in the record history so it can be restored.",
            ),
            _risk(
                "Change feed table grows faster than expected and slows queries",
                "medium",
                "medium",
                "Partition `sync_change` by month, index on `(project_id, server_seq)`, prune "
                "after 90 days and alert at 80% of the storage budget.",
            ),
            _risk(
                "A lost device with a large local store exposes customer data",
                "high",
                "low",
                "Encrypt the local store with a key held in the platform keychain, and wipe it "
                "on remote sign-out via `DELETE /api/sync/devices/:deviceId`.",
            ),
            _risk(
                "Older app versions corrupt tombstoned records by editing them",
                "medium",
                "low",
                "Legacy endpoints reject writes to tombstoned rows with 409 and the app "
                "version gate forces an upgrade once 5.4 reaches 90% adoption.",
            ),
            _risk(
                "Safari lacks the Background Sync API, so web changes wait until the tab is "
                "reopened",
                "low",
                "high",
                "Foreground polling fallback and a warning on tab close when the outbox is not "
                "empty.",
            ),
            _risk(
                "Initial snapshot for large projects exceeds mobile storage or data plans",
                "medium",
                "medium",
                "Sync only projects assigned to the user, stream NDJSON snapshots, and defer "
                "attachment downloads until opened.",
            ),
        ],
        team_members=_members(
            ("Priya Raman", "Technical Lead"),
            ("Marcus Webb", "Backend Engineer"),
            ("Elena Sokolova", "Mobile Engineer (iOS)"),
            ("Tomasz Kowalczyk", "Mobile Engineer (Android)"),
            ("Aisha Bello", "Frontend Engineer"),
            ("Daniel Ortiz", "QA Lead"),
        ),
        documentation_updates=_docs(
            "Help centre article: Working offline and what the sync indicator means",
            "Help centre article: Resolving conflicting changes",
            "API reference for the `/api/sync/*` endpoints and the operation format",
            "Architecture decision record: operation-log sync with hybrid logical clocks",
            "On-call runbook: `ops/runbooks/offline-sync.md` (kill switches, dashboards, "
            "common failures)",
        ),
        open_questions=[
            _question(
                "Should offline editing be limited to projects the user opened in the last 30 "
                "days to cap storage?",
            ),
            _question(
                "Do we need a per-organisation setting to disable offline mode for customers "
                "with strict data residency requirements?",
            ),
            _question(
                "What is the maximum outbox age before we force a full resync?",
            ),
            _question(
                "Do we order concurrent edits by device time or server time? Resolved: neither "
                "alone; a hybrid logical clock seeded from server time.",
                resolved=True,
            ),
            _question(
                "Is WebSocket notification required for launch? Resolved: no, it ships behind "
                "`offline_sync_realtime_stream` and polling is the default.",
                resolved=True,
            ),
        ],
    )


# --- 2. Single Sign-On with SAML (medium) ----------------------------------------------------


def _saml_sso() -> PlanContent:
    plan = Plan(
        title="Single Sign-On with SAML",
        overview=(
            "Enterprise customers require their staff to sign in through the company identity "
            "provider (Okta, Microsoft Entra ID, Google Workspace, OneLogin) rather than with a "
            "separate password. SSO is a blocker in 7 of the 12 enterprise deals currently in "
            "the pipeline.\n\n"
            "This plan adds **SAML 2.0 service-provider-initiated and IdP-initiated sign-in**, "
            "per-organisation IdP configuration in the admin settings, just-in-time user "
            "provisioning, and an option to **enforce SSO** for every member of an "
            "organisation. SCIM provisioning and OIDC are planned as follow-ups and are out of "
            "scope here."
        ),
        architecture=(
            "SAML is handled by a new `sso` Django app built on `python3-saml` (OneLogin), "
            "sitting in front of the existing session authentication:\n\n"
            "- **Discovery**: the login page asks for the email first; if the domain belongs "
            "to an organisation with a verified SSO connection, the user is redirected to "
            "`/sso/<org_slug>/login`.\n"
            "- **Assertion Consumer Service (ACS)** validates the signed response (signature, "
            "audience, `NotOnOrAfter`, `InResponseTo`), maps attributes to a user, and creates "
            "the normal Django session.\n"
            "- **JIT provisioning** creates the user on first sign-in with the default role "
            "configured for the connection.\n"
            "- **Enforcement**: when `sso_enforced` is set, password login and password reset "
            "are disabled for members of the organisation, except for designated break-glass "
            "owners.\n\n"
            "IdP certificates and metadata are stored per connection; SP signing keys live in "
            "the secrets manager and are rotated yearly."
        ),
        data_models=(
            "One new table per SSO connection plus a link between users and their IdP "
            "identity. Replay protection uses the existing Redis cache.\n\n"
            "```typescript\n"
            "interface SsoConnection {\n"
            "  id: string;\n"
            "  organisationId: string;\n"
            "  idpEntityId: string;\n"
            "  idpSsoUrl: string;\n"
            "  idpCertificates: string[]; // PEM, more than one during rotation\n"
            "  emailDomains: string[]; // verified via DNS TXT record\n"
            '  defaultRole: "member" | "viewer";\n'
            "  enforced: boolean;\n"
            "  createdAt: string;\n"
            "}\n"
            "\n"
            "interface SsoIdentity {\n"
            "  userId: string;\n"
            "  connectionId: string;\n"
            "  nameId: string; // persistent NameID from the IdP\n"
            "  lastLoginAt: string;\n"
            "}\n"
            "```\n\n"
            "`SsoIdentity` is unique on `(connectionId, nameId)`; matching by NameID rather "
            "than email means a renamed user keeps their account."
        ),
        dependencies=(
            "- `python3-saml` 1.16 and its `xmlsec` system library (added to the base image)\n"
            "- Redis, for assertion ID replay protection (already deployed)\n"
            "- AWS Secrets Manager for the SP signing key\n"
            "- Internal: organisation settings UI, audit log service (records SSO sign-ins "
            "and configuration changes)\n"
            "- Test IdP accounts: Okta developer tenant, Entra ID test tenant, Google "
            "Workspace sandbox"
        ),
        unit_tests=(
            "Unit tests cover attribute mapping, domain discovery, enforcement rules and "
            "JIT provisioning. The ACS view is tested with a library of recorded, signed "
            "SAML responses, including **negative cases**: expired assertions, wrong "
            "audience, unsigned assertions, signature wrapping attacks, and replayed assertion "
            "IDs."
        ),
        integration_tests=(
            "- End-to-end sign-in against a local SimpleSAMLphp IdP container in CI\n"
            "- Weekly scheduled run against the real Okta, Entra ID and Google test tenants\n"
            "- Certificate rotation: two active certificates, then removal of the old one\n"
            "- Enforcement: password login rejected, break-glass owner still allowed"
        ),
        acceptance_tests=(
            "Two design-partner customers (one on Okta, one on Entra ID) configure SSO "
            "themselves from the documentation in staging, without help from our engineers. "
            "UAT passes when both complete setup in under 30 minutes, 20 of their users sign "
            "in successfully, and enforcement blocks password sign-in for their domain."
        ),
        deployment_strategy=(
            "Deploy the `sso` app dark behind `saml_sso`, enable it for the two design "
            "partners, then make it available to all Enterprise plan organisations. "
            "Enforcement (`saml_sso_enforcement`) is released two weeks later, once sign-in "
            "error rates are stable below 1%."
        ),
        rollback_plan=(
            "Disabling `saml_sso` hides the SSO options and restores password login for all "
            "organisations immediately; existing sessions stay valid. Because enforced "
            "organisations may have users without passwords, the rollback runbook includes "
            "sending password-setup emails through the existing invite flow. Migrations only "
            "add tables and can stay in place."
        ),
        planning_start=date(2026, 4, 6),
        planning_end=date(2026, 4, 24),
        development_start=date(2026, 4, 27),
        development_end=date(2026, 7, 3),
        testing_start=date(2026, 6, 22),
        testing_end=date(2026, 7, 24),
        deployment_date=date(2026, 8, 4),
    )
    return PlanContent(
        plan=plan,
        goals=_goals(
            "Let organisation members sign in through their SAML 2.0 identity provider",
            "Let organisation admins configure and test an SSO connection without contacting "
            "support",
            "Provision users just in time on their first SSO sign-in",
            "Allow organisations to enforce SSO for all members, with a break-glass owner",
            "Record every SSO sign-in and configuration change in the audit log",
        ),
        success_criteria=_criteria(
            "Verified working with Okta, Microsoft Entra ID, Google Workspace and OneLogin",
            "p95 SSO round trip (redirect to session) under 1.5 seconds, excluding IdP time",
            "An admin configures a new connection in under 30 minutes using only the docs",
            "Fewer than 1% of SSO sign-in attempts fail for reasons on our side",
            "Passes the external penetration test with no high or critical findings",
        ),
        user_stories=[
            _story(
                "employee of an enterprise customer",
                "sign in with my company account",
                "I do not need another password",
            ),
            _story(
                "organisation admin",
                "upload my IdP metadata and test the connection before enabling it",
                "I can roll out SSO without locking anyone out",
            ),
            _story(
                "organisation admin",
                "require SSO for everyone with our email domain",
                "leavers lose access as soon as they are disabled in our IdP",
            ),
            _story(
                "security officer",
                "see who signed in through SSO and when",
                "I can answer access reviews and audits",
            ),
        ],
        api_endpoints=[
            _endpoint(
                "/sso/:orgSlug/login",
                "GET",
                "N/A (query: `next`)",
                "302 redirect to the IdP with a signed `AuthnRequest`",
                "Starts SP-initiated sign-in for the organisation.",
            ),
            _endpoint(
                "/sso/:orgSlug/acs",
                "POST",
                "`SAMLResponse`, `RelayState` (form encoded)",
                "302 redirect to `next` with a session cookie",
                "Assertion Consumer Service: validates the response and signs the user in.",
            ),
            _endpoint(
                "/sso/:orgSlug/metadata",
                "GET",
                "N/A",
                "SP metadata XML",
                "Public metadata admins paste into their IdP.",
            ),
            _endpoint(
                "/api/organisations/:id/sso-connection",
                "PUT",
                "`{ idpMetadataXml?, idpEntityId?, idpSsoUrl?, idpCertificates?, "
                "emailDomains, defaultRole }`",
                "`SsoConnection`",
                "Creates or updates the organisation's connection (admins only), from "
                "uploaded metadata XML or from the entity ID, URL and certificates.",
            ),
            _endpoint(
                "/api/organisations/:id/sso-connection/enforce",
                "PATCH",
                "`{ enforced: boolean, breakGlassUserIds: string[] }`",
                "`SsoConnection`",
                "Turns SSO enforcement on or off; requires a successful test sign-in first.",
            ),
        ],
        phases=[
            _phase(
                "Foundations",
                "5",
                "- `sso` app skeleton, models and migrations\n- SP key in the secrets manager",
                [
                    "Add `xmlsec` to the base image and pin `python3-saml`",
                    "Create `SsoConnection` and `SsoIdentity` models",
                    "Generate the SP signing key and store it in Secrets Manager",
                    "Serve SP metadata per organisation",
                ],
            ),
            _phase(
                "Sign-in flow",
                "9",
                "- Working SP- and IdP-initiated sign-in with JIT provisioning\n"
                "- Email-first login page with domain discovery",
                [
                    "Implement AuthnRequest and the ACS view",
                    "Add replay protection for assertion IDs in Redis",
                    "Implement JIT provisioning and NameID matching",
                    "Add email-first discovery to the login page",
                    "Log sign-ins to the audit log service",
                ],
            ),
            _phase(
                "Admin configuration and enforcement",
                "7.5",
                "- SSO settings page with metadata upload and test sign-in\n"
                "- Enforcement with break-glass owners",
                [
                    "Build the SSO settings page in organisation admin",
                    "Verify email domains via DNS TXT records",
                    "Add a test sign-in that does not create a session",
                    "Implement enforcement and disable password reset for enforced members",
                ],
            ),
            _phase(
                "Verification and launch",
                "6",
                "- IdP compatibility matrix\n- Penetration test report\n- Admin guide",
                [
                    "Test against Okta, Entra ID, Google Workspace and OneLogin",
                    "Run the external penetration test and fix findings",
                    "Write the admin setup guides per IdP",
                    "Run UAT with the two design partners",
                    "Roll out to Enterprise plan organisations",
                ],
            ),
        ],
        feature_flags=[
            _flag(
                "saml_sso",
                "Shows SSO settings and enables the SAML endpoints for an organisation.",
            ),
            _flag(
                "saml_sso_enforcement",
                "Allows admins to enforce SSO; released after sign-in error rates are stable.",
            ),
            _flag(
                "saml_sso_idp_initiated",
                "Accepts unsolicited IdP-initiated responses; off by default for organisations "
                "that do not need it.",
            ),
            _flag(
                "login_email_first",
                "Switches the login page to the email-first layout used for domain discovery.",
            ),
        ],
        risks=[
            _risk(
                "XML signature wrapping or other SAML parser vulnerabilities",
                "high",
                "low",
                "Use a maintained library, reject unsigned assertions, keep `xmlsec` patched, "
                "and include wrapping attacks in tests and the penetration test scope.",
            ),
            _risk(
                "Admins lock their whole organisation out by enforcing a broken connection",
                "high",
                "medium",
                "Enforcement requires a successful test sign-in and at least one break-glass "
                "owner who can still use a password.",
            ),
            _risk(
                "IdP certificate expires and sign-ins fail without warning",
                "medium",
                "medium",
                "Support two certificates at once and email admins 30, 7 and 1 days before expiry.",
            ),
            _risk(
                "Attribute formats differ between IdPs (email in NameID versus attribute)",
                "medium",
                "high",
                "Configurable attribute mapping with presets per IdP, tested against all four "
                "target providers.",
            ),
        ],
        team_members=_members(
            ("Jonas Becker", "Technical Lead"),
            ("Sofia Marques", "Backend Engineer"),
            ("Kwame Asante", "Frontend Engineer"),
            ("Ruth Adeyemi", "Security Engineer"),
            ("Daniel Ortiz", "QA Lead"),
        ),
        documentation_updates=_docs(
            "Admin guide: Setting up SAML single sign-on (with Okta, Entra ID, Google and "
            "OneLogin sections)",
            "Admin guide: Enforcing SSO and break-glass access",
            "Security whitepaper: authentication section",
            "Support runbook: diagnosing failed SAML sign-ins",
        ),
        open_questions=[
            _question(
                "Is SSO available on the Business plan or only on Enterprise?",
            ),
            _question(
                "Should JIT-provisioned users consume a paid seat immediately or after their "
                "first week?",
            ),
            _question(
                "Do we support encrypted assertions at launch? Resolved: yes, Entra ID "
                "customers commonly require them.",
                resolved=True,
            ),
            _question(
                "Can one organisation have more than one IdP connection? Resolved: not in this "
                "release; one connection per organisation.",
                resolved=True,
            ),
        ],
    )


# --- 3. Audit Log Export (short) ---------------------------------------------------------------


def _audit_log_export() -> PlanContent:
    plan = Plan(
        title="Audit Log Export",
        overview=(
            "Compliance teams at our customers need to keep our audit events in their own SIEM "
            "or archive for longer than the 90 days we display in the app. Today they ask "
            "support for CSV dumps, which takes days.\n\n"
            "This plan lets organisation admins **export audit events** for a date range as "
            "CSV or JSON Lines, and schedule a daily export to their own S3 bucket."
        ),
        architecture=(
            "Exports run as Celery jobs that stream events from the `audit_event` table in "
            "pages of 5,000 rows, ordered by `(occurred_at, id)`, into a gzip file in our "
            "exports bucket. The admin receives an email with a signed download link valid for "
            "24 hours.\n\n"
            "- **On-demand export**: created from the audit log page, one running job per "
            "organisation at a time.\n"
            "- **Scheduled export**: a daily Celery beat task exports the previous UTC day and "
            "writes it to the customer's bucket using an IAM role they grant us.\n"
            "- All time windows are computed in **UTC** from the database's `now()`, not the "
            "worker's local time."
        ),
        data_models=(
            "A new `AuditExport` record tracks each job; scheduled exports store their "
            "destination on the organisation.\n\n"
            "```typescript\n"
            "interface AuditExport {\n"
            "  id: string;\n"
            "  organisationId: string;\n"
            "  requestedBy: string | null; // null for scheduled exports\n"
            '  format: "csv" | "jsonl";\n'
            "  from: string; // ISO 8601, inclusive\n"
            "  to: string; // ISO 8601, exclusive\n"
            '  status: "queued" | "running" | "done" | "failed";\n'
            "  rowCount: number | null;\n"
            "  fileUrl: string | null;\n"
            "}\n"
            "```"
        ),
        dependencies=(
            "- Celery and Celery beat (existing workers)\n"
            "- S3 exports bucket with a 7-day lifecycle rule\n"
            "- `boto3` STS `AssumeRole` for customer buckets\n"
            "- Internal: audit log service, transactional email service"
        ),
        unit_tests=(
            "Test the CSV and JSON Lines writers (escaping, Unicode, empty ranges), the "
            "date-range validation, the window calculation for scheduled exports across "
            "daylight-saving changes, and the permission check that only organisation admins "
            "may export."
        ),
        integration_tests=(
            "Run a full export of 1 million seeded events against PostgreSQL and a MinIO "
            "container in CI, checking row count, ordering and that memory stays under 256 MB. "
            "A second test assumes a role into a LocalStack bucket for scheduled exports."
        ),
        acceptance_tests=(
            "Two customer compliance teams import a 30-day export into Splunk and Datadog "
            "respectively and confirm every field maps without manual editing. The QA lead "
            "signs off after a week of scheduled exports arrive on time."
        ),
        deployment_strategy=(
            "Release on-demand exports behind `audit_export` to internal organisations, then "
            "to all Enterprise organisations after one week. Scheduled exports follow behind "
            "`audit_export_scheduled` once the on-demand path has run 500 jobs without failure."
        ),
        rollback_plan=(
            "Turn off the flags to hide the export buttons and stop the beat task; running "
            "jobs finish or are revoked with `celery control revoke`. The `AuditExport` table "
            "is additive and stays in place."
        ),
        planning_start=date(2026, 11, 30),
        planning_end=date(2026, 12, 11),
        development_start=date(2026, 12, 14),
        development_end=date(2027, 1, 22),
        testing_start=date(2027, 1, 18),
        testing_end=date(2027, 2, 5),
        deployment_date=date(2027, 2, 16),
    )
    return PlanContent(
        plan=plan,
        goals=_goals(
            "Let organisation admins export audit events for any date range as CSV or JSON Lines",
            "Deliver a daily scheduled export to a customer-owned S3 bucket",
            "Remove the need for support to produce manual audit dumps",
        ),
        success_criteria=_criteria(
            "An export of 1 million events completes in under 5 minutes",
            "99.5% of scheduled exports are delivered before 02:00 UTC",
            "Manual audit dump requests to support drop to zero within two months",
        ),
        user_stories=[
            _story(
                "organisation admin",
                "download last quarter's audit events as CSV",
                "I can hand them to our auditors",
            ),
            _story(
                "security engineer",
                "receive a daily JSON Lines file in our S3 bucket",
                "our SIEM ingests our activity automatically",
            ),
            _story(
                "support agent",
                "point customers to a self-service export",
                "I no longer run database queries on their behalf",
            ),
        ],
        api_endpoints=[
            _endpoint(
                "/api/audit/exports",
                "POST",
                "`{ format, from, to }`",
                "`AuditExport` (status `queued`)",
                "Starts an on-demand export as `csv` or `jsonl`; 409 if one is already running.",
            ),
            _endpoint(
                "/api/audit/exports/:id",
                "GET",
                "N/A",
                "`AuditExport`",
                "Returns the job status and, when done, a signed download URL.",
            ),
            _endpoint(
                "/api/audit/export-schedule",
                "PUT",
                "`{ enabled, format, bucket, prefix, roleArn }`",
                "`ExportSchedule`",
                "Configures the daily export; validates the role by writing a test object.",
            ),
        ],
        phases=[
            _phase(
                "Export engine",
                "5",
                "- Celery export task with CSV and JSON Lines writers\n- `AuditExport` model",
                [
                    "Create the `AuditExport` model and migration",
                    "Implement streaming writers for CSV and JSON Lines",
                    "Implement the paged export task with gzip upload",
                    "Benchmark with 1 million seeded events",
                ],
            ),
            _phase(
                "API and UI",
                "4",
                "- Export endpoints\n- Export dialog on the audit log page\n- Completion email",
                [
                    "Build the export endpoints with admin-only permissions",
                    "Add the export dialog to the audit log page",
                    "Send the completion email with a signed link",
                ],
            ),
            _phase(
                "Scheduled exports",
                "3.5",
                "- Daily beat task\n- Schedule settings page\n- Customer IAM setup guide",
                [
                    "Implement the daily beat task using UTC windows from the database",
                    "Add `AssumeRole` delivery to customer buckets",
                    "Build the schedule settings page with a test write",
                    "Alert on missed or failed scheduled exports",
                ],
            ),
        ],
        feature_flags=[
            _flag("audit_export", "Shows the on-demand export dialog to organisation admins."),
            _flag("audit_export_scheduled", "Enables the daily scheduled export settings."),
            _flag(
                "audit_export_jsonl",
                "Offers JSON Lines in addition to CSV; can be disabled if SIEM imports fail.",
            ),
        ],
        risks=[
            _risk(
                "Server clock drift shifts export windows so events are missed or duplicated",
                "medium",
                "low",
                "Compute windows from the database's `now()` in UTC, use half-open ranges, and "
                "order by `(occurred_at, id)`; NTP drift is monitored on all workers.",
            ),
            _risk(
                "Large exports overload the primary database",
                "high",
                "medium",
                "Read from the replica, page with keyset pagination, and limit one running "
                "export per organisation.",
            ),
            _risk(
                "Exported files leak through forwarded download links",
                "medium",
                "low",
                "Links expire after 24 hours, files are deleted after 7 days, and every "
                "download is itself recorded in the audit log.",
            ),
        ],
        team_members=_members(
            ("Marcus Webb", "Technical Lead"),
            ("Lena Hoffmann", "Full-stack Engineer"),
            ("Daniel Ortiz", "QA Lead"),
        ),
        documentation_updates=_docs(
            "Help centre article: Exporting your audit log",
            "Admin guide: Delivering audit exports to your S3 bucket (IAM role template)",
            "API reference for `/api/audit/exports` and `/api/audit/export-schedule`",
        ),
        open_questions=[
            _question("Should exports include events older than the 90-day display window?"),
            _question("Do we need Azure Blob Storage and Google Cloud Storage destinations?"),
            _question(
                "Which time zone do export files use? Resolved: always UTC, stated in the "
                "file name.",
                resolved=True,
            ),
        ],
    )
