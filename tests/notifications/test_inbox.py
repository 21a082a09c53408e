"""/inbox/: the signed-in user's notifications of plans they may still see; marking them read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from plans.models import Membership, Plan
from tests.factories import make_notification, make_plan, make_team

INBOX = "/inbox/"


def badge(response) -> str:
    """The navigation's count, as the page says it ("" when there is none)."""
    found = re.search(r'id="inbox-badge"[^>]*>(.*?)</span></span>', response.text, re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def read_url(notification) -> str:
    return reverse("notifications:read", args=[notification.pk])


def test_it_lists_the_users_notifications_newest_first(as_alice, alice, plan, bob):
    make_notification(plan, alice, actor=bob, text="Bob approved Offline Sync")
    make_notification(plan, alice, text="Plan approved: Offline Sync")
    response = as_alice.get(INBOX)
    assert response.status_code == 200
    text = response.text
    assert text.index("Plan approved: Offline Sync") < text.index("Bob approved Offline Sync")
    assert "Bob Lead" in text  # who
    assert "just now" in text  # when


def test_it_shows_none_of_someone_elses(as_victor, alice, plan):
    make_notification(plan, alice, text="For Alice only")
    response = as_victor.get(INBOX)
    assert "For Alice only" not in response.text
    assert "Nothing new" in response.text


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(INBOX)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/inbox/")


def test_the_badge_counts_unread_notifications(as_alice, alice, plan):
    make_notification(plan, alice)
    make_notification(plan, alice)
    make_notification(plan, alice, read_at=timezone.now())
    response = as_alice.get("/plans/")
    assert badge(response) == "2 unread"


def test_there_is_no_badge_with_nothing_unread(as_alice, alice, plan):
    make_notification(plan, alice, read_at=timezone.now())
    response = as_alice.get(INBOX)
    assert badge(response) == ""
    assert "Inbox" in response.text


def test_a_member_removed_from_the_team_no_longer_hears_of_its_plans(as_victor, victor, plan):
    make_notification(plan, victor, text="Secret decision")
    Membership.objects.filter(user=victor).delete()
    response = as_victor.get(INBOX)
    assert "Secret decision" not in response.text
    assert badge(response) == ""


def test_a_manager_hears_of_every_teams_plans(as_carol, carol, plan):
    make_notification(plan, carol, text="Carol's news")
    response = as_carol.get(INBOX)
    assert "Carol&#x27;s news" in response.text
    assert badge(response) == "1 unread"


def test_marking_one_read(as_alice, alice, plan):
    notification = make_notification(plan, alice)
    response = as_alice.post(read_url(notification), {"page": "1"})
    assert response.status_code == 302
    assert response["Location"] == "/inbox/?page=1"
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_opening_one_marks_it_read_and_goes_to_its_place(as_alice, alice, plan):
    notification = make_notification(plan, alice)
    response = as_alice.post(read_url(notification), {"open": "1"})
    assert response["Location"] == f"/plans/{plan.pk}/#approval"
    assert Notification.objects.get().read_at is not None


def test_marking_one_read_with_htmx_answers_its_line_and_the_new_count(as_alice, alice, plan):
    notification = make_notification(plan, alice)
    make_notification(plan, alice)
    response = as_alice.post(read_url(notification), headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert f'id="notification-{notification.pk}"' in response.text
    assert "<html" not in response.text
    assert 'hx-swap-oob="true"' in response.text
    assert badge(response) == "1 unread"


def test_someone_elses_notification_is_not_found(as_victor, alice, plan):
    notification = make_notification(plan, alice)
    response = as_victor.post(read_url(notification))
    assert response.status_code == 404
    assert Notification.objects.get().read_at is None


def test_marking_read_is_post_only(as_alice, alice, plan):
    notification = make_notification(plan, alice)
    assert as_alice.get(read_url(notification)).status_code == 405
    assert as_alice.get(reverse("notifications:read_all")).status_code == 405


def test_marking_all_read_marks_only_mine(as_alice, alice, victor, plan):
    make_notification(plan, alice)
    make_notification(plan, alice)
    make_notification(plan, victor)
    response = as_alice.post(reverse("notifications:read_all"), follow=True)
    assert "2 notifications marked read." in response.text
    assert Notification.objects.filter(read_at__isnull=True).count() == 1


@pytest.mark.parametrize("page", ["0", "-1", "999", "x"])
def test_a_page_beyond_the_last_shows_a_page_that_exists(as_alice, alice, plan, page):
    for i in range(35):
        make_notification(plan, alice, text=f"News {i}")
    response = as_alice.get(INBOX, {"page": page})
    assert response.status_code == 200
    assert "Page " in response.text


def test_the_inbox_costs_the_same_few_queries_for_200_notifications(
    as_alice, alice, plan, django_assert_max_num_queries
):
    other = make_plan(make_team("Billing", alice="editor"), alice, title="Invoices")
    for i in range(100):
        make_notification(plan, alice, text=f"News {i}")
        make_notification(other, alice, text=f"More news {i}")
    with django_assert_max_num_queries(6):
        response = as_alice.get(INBOX)
    assert response.text.count("list-group-item ") == 30


def test_the_inbox_writes_what_people_typed_as_text(as_alice, alice, plan, bob):
    """The items are written in Python (notification_tags): a plan's title, a person's name
    and a notification's text with markup read as text, on the page and in the line that
    marking one read sends back."""
    Plan.objects.filter(pk=plan.pk).update(title="<b>Bold</b> & co")
    bob.first_name = '<img src=x onerror="alert(1)">'
    bob.save()
    notification = make_notification(
        plan, alice, actor=bob, text='<script>alert("x")</script>', url="/plans/?q=a&b=<c>"
    )
    for html in (
        as_alice.get(INBOX).text,
        as_alice.post(read_url(notification), headers={"HX-Request": "true"}).text,
    ):
        assert "<script>alert" not in html and "<b>Bold" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html
        assert "&lt;b&gt;Bold&lt;/b&gt; &amp; co" in html
        assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
        assert 'href="/plans/?q=a&amp;b=&lt;c&gt;"' in html


def test_an_unread_item_offers_to_mark_it_read_on_the_page_it_is_on(as_alice, alice, plan):
    for _ in range(31):
        make_notification(plan, alice)
    oldest = Notification.objects.order_by("created_at", "pk").first()
    Notification.objects.exclude(pk=oldest.pk).update(read_at=timezone.now())

    html = as_alice.get(f"{INBOX}?page=2").text

    assert html.count("Mark read") == 1
    assert re.search(rf'hx-post="{read_url(oldest)}"[^>]*>.*?name="page" value="2"', html, re.S)
    assert html.count('name="csrfmiddlewaretoken"') == html.count('method="post"')
