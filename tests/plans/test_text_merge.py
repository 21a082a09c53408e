"""Two people change the same Markdown field: the second save merges words, not whole fields."""

from __future__ import annotations

import html
import re

from plans.merge import merge_text
from plans.models import Plan
from tests.conftest import client_for
from tests.plans.editing import edit_url, form_data

HTMX = {"HTTP_HX_REQUEST": "true"}
PARAGRAPH = "The sync queue stores changes offline and sends them when the device is online."


def textarea(page: str, name: str) -> str:
    match = re.search(rf'<textarea[^>]*name="{name}"[^>]*>\n?(.*?)</textarea>', page, re.S)
    assert match, f"no textarea {name}"
    return html.unescape(match.group(1))


def both_open_then_bob_saves(plan, bob, bobs_text):
    """Alice opens the Overview; Bob opens it too and saves `bobs_text`. Alice's form data."""
    client_for(bob).post(  # the paragraph both start from
        edit_url(plan, "overview"), {**form_data(plan, "overview"), "overview": PARAGRAPH}, **HTMX
    )
    alices = form_data(plan, "overview")
    bobs = {**form_data(plan, "overview"), "overview": bobs_text}
    assert client_for(bob).post(edit_url(plan, "overview"), bobs, **HTMX).status_code == 200
    return alices


def test_words_added_at_different_places_of_one_paragraph_both_stay():
    mine = PARAGRAPH.replace("stores changes", "stores every change")
    theirs = PARAGRAPH.replace("is online.", "is online again.")
    merged = merge_text(PARAGRAPH, theirs, mine)
    assert merged.clean
    assert merged.text == (
        "The sync queue stores every change offline and sends them when the device is online again."
    )


def test_lines_changed_apart_merge_line_by_line_whatever_the_line_endings():
    base = "One.\r\nTwo.\r\nThree.\r\n"
    merged = merge_text(base, "One!\nTwo.\nThree.\n", "One.\r\nTwo.\r\nThree!\r\n")
    assert (merged.clean, merged.text) == (True, "One!\nTwo.\nThree!\n")


def test_the_same_words_changed_on_both_sides_is_a_clash_keeping_both():
    merged = merge_text("Use Redis.", "Use Memcached.", "Use PostgreSQL.")
    assert not merged.clean
    assert (merged.mine, merged.theirs) == ("Use PostgreSQL.", "Use Memcached.")
    assert "Memcached" in merged.text and "PostgreSQL" in merged.text


def test_the_second_save_merges_a_paragraph_both_changed_in_different_places(as_alice, plan, bob):
    alices = both_open_then_bob_saves(
        plan, bob, PARAGRAPH.replace("is online.", "is online again.")
    )
    alices["overview"] = PARAGRAPH.replace("stores changes", "stores every change")

    response = as_alice.post(edit_url(plan, "overview"), alices, **HTMX)

    page = response.content.decode()
    assert response.status_code == 409  # she sees what Bob did before it is saved
    assert "You both changed" not in page
    merged = textarea(page, "overview")
    assert "every change" in merged and "online again" in merged
    again = {**form_data(plan, "overview"), "overview": merged}
    assert "Saved as version 4." in as_alice.post(edit_url(plan, "overview"), again, **HTMX).text
    plan.refresh_from_db()
    assert "every change" in plan.overview and "online again" in plan.overview


def test_a_true_overlap_shows_both_wordings_and_a_choice(as_alice, plan, bob):
    alices = both_open_then_bob_saves(plan, bob, PARAGRAPH.replace("sync queue", "outbox"))
    alices["overview"] = PARAGRAPH.replace("sync queue", "change log")

    page = as_alice.post(edit_url(plan, "overview"), alices, **HTMX).content.decode()

    assert "You both changed" in page
    assert "Their wording" in page and "Your wording" in page
    assert "The outbox stores" in page and "The change log stores" in page
    for choice in ("Keep mine", "Keep theirs", "Keep both wordings"):
        assert choice in page
    merged = textarea(page, "overview")
    assert "outbox" in merged and "change log" in merged


def test_one_more_save_after_a_clash_keeps_both_peoples_words(as_alice, plan, bob):
    alices = both_open_then_bob_saves(plan, bob, PARAGRAPH.replace("sync queue", "outbox"))
    alices["overview"] = PARAGRAPH.replace("sync queue", "change log")
    page = as_alice.post(edit_url(plan, "overview"), alices, **HTMX).content.decode()

    # She presses Save again without touching anything: the form as it came back.
    again = {
        **form_data(plan, "overview"),
        "overview": textarea(page, "overview"),
        "resolve-overview": "edit",
        "resolve-overview-mine": textarea(page, "resolve-overview-mine"),
        "resolve-overview-theirs": textarea(page, "resolve-overview-theirs"),
    }
    assert 'name="edit-version" value="3"' in page  # the form carries the version it merged
    assert "Saved as version 4." in as_alice.post(edit_url(plan, "overview"), again, **HTMX).text
    plan.refresh_from_db()
    assert "outbox" in plan.overview and "change log" in plan.overview


def test_keep_theirs_or_keep_mine_saves_that_wording(as_alice, plan, bob):
    alices = both_open_then_bob_saves(plan, bob, PARAGRAPH.replace("sync queue", "outbox"))
    alices["overview"] = PARAGRAPH.replace("sync queue", "change log")
    page = as_alice.post(edit_url(plan, "overview"), alices, **HTMX).content.decode()
    chosen = {
        **form_data(plan, "overview"),
        "overview": textarea(page, "overview"),
        "resolve-overview": "theirs",
        "resolve-overview-mine": textarea(page, "resolve-overview-mine"),
        "resolve-overview-theirs": textarea(page, "resolve-overview-theirs"),
    }
    as_alice.post(edit_url(plan, "overview"), chosen, **HTMX)
    assert Plan.objects.get(pk=plan.pk).overview == PARAGRAPH.replace("sync queue", "outbox")

    chosen = {**chosen, **form_data(plan, "overview"), "resolve-overview": "mine"}
    as_alice.post(edit_url(plan, "overview"), chosen, **HTMX)
    assert Plan.objects.get(pk=plan.pk).overview == PARAGRAPH.replace("sync queue", "change log")


def test_a_row_field_both_changed_is_listed_with_both_values(as_alice, plan, bob):
    alices = form_data(plan, "risks")
    client_for(bob).post(
        edit_url(plan, "risks"), {**form_data(plan, "risks"), "risks-0-mitigation": "Bob's"}, **HTMX
    )
    alices["risks-0-mitigation"] = "Alice's"
    page = html.unescape(as_alice.post(edit_url(plan, "risks"), alices, **HTMX).content.decode())
    assert "theirs: “Bob's”; yours (in the form): “Alice's”" in page
