"""The plan page keeps what it renders of a version (plans/rendered.py): a second visit loads no
content, yet every change — a save, an archive, a sign-off, another user — shows at once."""

from __future__ import annotations

import re

from django.urls import reverse

from plans.content import PlanContent
from plans.markdown.writer import content_hash
from plans.rendered import version_facts
from tests.conftest import client_for
from tests.factories import make_plan
from tests.plans.editing import edit_url, form_data


def test_a_second_visit_renders_the_same_page_without_loading_the_content(
    as_alice, team, alice, django_assert_max_num_queries
):
    big = make_plan(team, alice, rows=50, tasks=20)
    first = as_alice.get(big.get_absolute_url()).text

    # the session, the user with the navigation's count, the plan with the reader's role
    with django_assert_max_num_queries(3):
        second = as_alice.get(big.get_absolute_url()).text

    assert second.count('done">Task ') == first.count('done">Task ') == 50 * 20
    assert strip_tokens(second) == strip_tokens(first)


def strip_tokens(html: str) -> str:
    """The page without what differs on every request (CSRF tokens, CSP nonces)."""
    return re.sub(r'(nonce="[^"]+"|[A-Za-z0-9+/=_-]{32,})', "", html)


def test_a_save_shows_at_once(as_alice, plan):
    as_alice.get(plan.get_absolute_url())
    data = form_data(plan, "overview") | {"overview": "Now about *tablets* too."}

    as_alice.post(edit_url(plan, "overview"), data)

    html = as_alice.get(plan.get_absolute_url()).text
    assert "Now about <em>tablets</em> too." in html
    assert "Let people" not in html


def test_an_old_version_page_shows_that_version_after_the_current_one_was_cached(as_alice, plan):
    as_alice.post(edit_url(plan, "overview"), form_data(plan, "overview") | {"overview": "New."})
    assert "New." in as_alice.get(plan.get_absolute_url()).text

    old = as_alice.get(reverse("plans:version", args=[plan.pk, 1])).text

    assert "Let people <strong>edit offline</strong>." in old
    assert "<p>New.</p>" not in old


def test_edit_buttons_follow_who_reads_and_whether_the_plan_is_archived(as_alice, as_victor, plan):
    assert "edit-link" in as_alice.get(plan.get_absolute_url()).text
    assert "edit-link" not in as_victor.get(plan.get_absolute_url()).text

    as_alice.post(reverse("plans:archive", args=[plan.pk]), {"archive": "1"})

    assert "edit-link" not in as_alice.get(plan.get_absolute_url()).text


def test_the_approval_section_is_read_anew_on_every_visit(plan, alice):
    from approvals.services import assign_roles, request_signoff
    from plans.models import Membership
    from tests.conftest import client_for
    from tests.factories import make_user

    bob = make_user("bob")
    Membership.objects.create(team=plan.team, user=bob, role="editor")
    as_bob = client_for(bob)
    as_bob.get(plan.get_absolute_url())
    assign_roles(plan=plan, user=alice, assignments=[(n, bob) for n in team_roles(plan)])
    request_signoff(plan=plan, user=alice)

    html = as_bob.get(plan.get_absolute_url()).text

    assert "Your decision as" in html


def team_roles(plan) -> list[str]:
    return list(plan.team.signoff_roles)


def test_a_section_rendered_alone_shows_what_it_charts(as_alice, plan):
    """Resources charts the phases' effort: rendered after its own save, the chart is there,
    and so it is on the page built from the cache afterwards."""
    data = form_data(plan, "resources") | {"deployment_date": "2026-04-02"}

    partial = as_alice.post(edit_url(plan, "resources"), data, HTTP_HX_REQUEST="true").text

    assert "effort-chart" in partial
    assert "effort-chart" in as_alice.get(plan.get_absolute_url()).text


def test_the_cached_hash_is_the_hash_of_the_version(plan):
    assert version_facts(plan).content_hash == content_hash(PlanContent.from_plan(plan))


def test_another_reader_sees_the_same_sections(plan, victor, as_alice):
    as_alice.get(plan.get_absolute_url())

    html = client_for(victor).get(plan.get_absolute_url()).text

    assert "Let people <strong>edit offline</strong>." in html


def test_the_edit_page_without_javascript_shows_its_form_after_the_plan_page_was_kept(
    as_alice, plan
):
    as_alice.get(plan.get_absolute_url())

    html = as_alice.get(edit_url(plan, "risks")).text

    assert 'name="risks-TOTAL_FORMS"' in html
    assert as_alice.get(edit_url(plan, "overview")).text.count('name="overview"') == 1


def test_the_edit_page_without_javascript_renders_only_its_form_anew(
    as_alice, team, alice, django_assert_max_num_queries
):
    """Opened in a tab of its own (or without JavaScript), an editor is the whole plan page:
    its other sections come as kept for the version, so it costs the same for 50 rows a
    section as for 3 (it read and rendered them all: 110 ms for the 100-row plan of
    bench/scale.py, against 20 ms now)."""
    big = make_plan(team, alice, rows=50, tasks=20)
    as_alice.get(big.get_absolute_url())

    # the session, the user, the plan; the section's rows, the draft, the sign-off state
    with django_assert_max_num_queries(8):
        html = as_alice.get(edit_url(big, "overview")).text

    assert html.count('name="overview"') == 1
    assert html.count('done">Task ') == 50 * 20  # the phases, as kept
    assert 'name="risks-TOTAL_FORMS"' not in html


def test_the_edit_page_without_javascript_shows_the_other_sections_as_saved(as_alice, plan):
    as_alice.get(edit_url(plan, "risks"))
    as_alice.post(edit_url(plan, "overview"), form_data(plan, "overview") | {"overview": "v2."})

    html = as_alice.get(edit_url(plan, "risks")).text

    assert "<p>v2.</p>" in html and 'name="risks-TOTAL_FORMS"' in html
    assert "<p>v2.</p>" in as_alice.get(plan.get_absolute_url()).text


def test_a_form_sent_back_without_javascript_keeps_the_input_and_the_page_around_it(as_alice, plan):
    as_alice.get(plan.get_absolute_url())
    data = form_data(plan, "resources") | {
        "planning_start": "2026-05-02",
        "planning_end": "2026-05-01",
    }

    response = as_alice.post(edit_url(plan, "resources"), data)

    assert response.status_code == 422
    assert 'value="2026-05-02"' in response.text
    assert "Let people <strong>edit offline</strong>." in response.text  # the overview, kept


def test_a_version_read_while_a_save_lands_is_read_from_the_history(as_alice, plan):
    """What is kept under version 1 must be version 1, even when a save committed between
    reading the plan and reading its rows."""
    from plans.models import Plan
    from plans.rendered import load_version

    seen_at_v1 = Plan.objects.get(pk=plan.pk)
    as_alice.post(edit_url(plan, "overview"), form_data(plan, "overview") | {"overview": "v2"})

    content = load_version(seen_at_v1, 1)

    assert content.plan.overview == "Let people **edit offline**."


def signoff_requested(plan, alice, lead, label="1.0"):
    from approvals.services import assign_roles, request_signoff
    from plans.models import Membership

    Membership.objects.get_or_create(team=plan.team, user=lead, defaults={"role": "editor"})
    assign_roles(plan=plan, user=alice, assignments=[(n, lead) for n in team_roles(plan)])
    request_signoff(plan=plan, user=alice, label=label)


def test_a_named_version_relabelled_outside_the_app_shows_its_new_name_at_once(
    as_alice, plan, alice, bob
):
    """The Changelog is kept with the plan's sign-off revision: the admin's relabelling of a
    named version must raise it, or every process would go on showing the old name."""
    from plans.models import NamedVersion

    signoff_requested(plan, alice, bob, label="1.0")
    assert "Kickoff draft" not in as_alice.get(plan.get_absolute_url()).text

    named = NamedVersion.objects.get(plan=plan)
    named.label, named.summary = "0.9-rc", "Kickoff draft"
    named.save()

    html = as_alice.get(plan.get_absolute_url()).text
    assert "0.9-rc" in html and "Kickoff draft" in html


def test_a_lead_renamed_shows_their_new_name_in_the_kept_approval_table(as_alice, plan, alice, bob):
    signoff_requested(plan, alice, bob)
    assert "lead: Bob Lead" in as_alice.get(plan.get_absolute_url()).text

    bob.first_name = "Roberta"
    bob.save()

    html = as_alice.get(plan.get_absolute_url()).text
    assert "lead: Roberta Lead" in html and "Bob Lead" not in html


def test_signing_in_does_not_count_as_a_rename(plan, alice, bob, django_assert_num_queries):
    from django.utils import timezone

    signoff_requested(plan, alice, bob)
    revision = type(plan).objects.get(pk=plan.pk).signoffs_revision

    bob.last_login = timezone.now()
    with django_assert_num_queries(1):  # the update of last_login only
        bob.save(update_fields=["last_login"])

    assert type(plan).objects.get(pk=plan.pk).signoffs_revision == revision


def test_an_editor_opened_again_shows_the_same_rows_and_a_save_shows_the_new_ones(
    as_alice, bob, team, alice
):
    as_bob = client_for(bob)
    plan = make_plan(team, alice, rows=3, tasks=2)
    url = edit_url(plan, "phases")
    first = as_alice.get(url, HTTP_HX_REQUEST="true").text
    again = as_bob.get(url, HTTP_HX_REQUEST="true").text  # another editor, the same version
    assert strip_tokens(again) == strip_tokens(first)
    assert first.count('name="phases-0-tasks-1-text" value="Task 1.2"') == 1

    data = form_data(plan, "phases") | {"phases-0-tasks-1-text": "Task renamed"}
    as_alice.post(url, data, HTTP_HX_REQUEST="true")

    after = as_bob.get(url, HTTP_HX_REQUEST="true").text
    assert 'value="Task renamed"' in after and 'value="Task 1.2"' not in after
    assert 'name="edit-version" value="2"' in after


def test_a_form_posted_back_shows_its_rows_as_typed_not_the_kept_ones(as_alice, team, alice):
    plan = make_plan(team, alice, rows=2)
    url = edit_url(plan, "goals")
    as_alice.get(url, HTTP_HX_REQUEST="true")  # the rows of version 1 are kept
    data = form_data(plan, "goals") | {"goals-0-text": "Typed <here>", "goals-1-text": ""}

    page = as_alice.post(url, data, HTTP_HX_REQUEST="true").text

    assert 'value="Typed &lt;here&gt;"' in page and "This field is required." in page
    assert 'value="Goal 1"' not in page


def test_rows_read_while_a_save_committed_are_not_kept_under_the_older_version(team, alice):
    from plans.models import Plan
    from plans.rendered import kept_rows

    plan = make_plan(team, alice)
    opened = Plan.objects.get(pk=plan.pk)
    Plan.objects.filter(pk=plan.pk).update(version=2)  # a save committed meanwhile

    assert kept_rows(opened, "goals", lambda: "rows of version 2") == "rows of version 2"
    assert kept_rows(opened, "goals", lambda: "written again") == "written again"


def test_kept_editor_rows_reach_no_one_who_may_not_edit(as_alice, bob, victor, mallory, plan):
    from plans.models import Membership

    url = edit_url(plan, "goals")
    assert 'value="Goal 1"' in as_alice.get(url, HTTP_HX_REQUEST="true").text  # now kept
    as_bob = client_for(bob)
    assert as_bob.get(url, HTTP_HX_REQUEST="true").status_code == 200

    Membership.objects.filter(user=bob).delete()  # removed from the team since

    for client in (as_bob, client_for(victor), client_for(mallory)):
        response = client.get(url, HTTP_HX_REQUEST="true")
        assert response.status_code in (403, 404)
        assert "Goal 1" not in response.text
