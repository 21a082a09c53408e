"""A team's editors manage its webhooks from the team's pages; nobody else sees them."""

from __future__ import annotations

import json

import pytest

from tests.conftest import client_for
from tests.factories import make_team
from webhooks.models import Delivery, Webhook

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_editor_adds_a_webhook(alice, team, receiver):
    response = client_for(alice).post(
        f"/teams/{team.pk}/webhooks/", {"url": receiver.url, "events": ["plan.approved"]}
    )
    hook = Webhook.objects.get()
    assert response.status_code == 302
    assert (hook.team, hook.events, len(hook.secret)) == (team, ["plan.approved"], 64)


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("file:///etc/passwd", "Enter a valid URL"),
        ("ftp://example.com/x", "Only http"),
        ("https://user:pw@example.com/hook", "No user name or password"),
        ("http://169.254.169.254/latest/meta-data", "internal address"),
        ("http://10.0.0.5/hook", "internal address"),
        ("http://localhost:8000/hook", "internal address"),
    ],
)
def test_unsafe_addresses_are_refused_next_to_the_field(alice, team, settings, url, message):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    response = client_for(alice).post(
        f"/teams/{team.pk}/webhooks/", {"url": url, "events": ["plan.approved"]}
    )
    assert response.status_code == 422
    assert message in str(response.context["form"].errors["url"])
    assert not Webhook.objects.exists()


def test_the_test_button_sends_a_ping_and_logs_it(alice, hook, receiver):
    client = client_for(alice)
    client.post(f"/teams/{hook.team_id}/webhooks/{hook.pk}/test/")
    assert json.loads(receiver.received[0][1])["event"] == "ping"
    page = client.get(f"/teams/{hook.team_id}/webhooks/{hook.pk}/").content.decode()
    assert "Delivered" in page and "200" in page


def test_a_viewer_is_refused_and_an_outsider_not_told(victor, mallory, hook):
    url = f"/teams/{hook.team_id}/webhooks/{hook.pk}/"
    assert client_for(victor).get(url).status_code == 403
    assert client_for(mallory).get(url).status_code == 404
    assert client_for(mallory).post(url + "delete/").status_code == 404
    assert Webhook.objects.filter(pk=hook.pk).exists()


def test_a_webhook_of_another_team_is_not_found(alice, hook, mallory):
    other = make_team("Secret ops", mallory="editor", alice="editor")
    assert client_for(alice).get(f"/teams/{other.pk}/webhooks/{hook.pk}/").status_code == 404


def test_deleting_a_webhook_drops_its_log(alice, hook, team):
    Delivery.objects.create(webhook=hook, event="ping", body="{}")
    client_for(alice).post(f"/teams/{team.pk}/webhooks/{hook.pk}/delete/")
    assert not Webhook.objects.exists() and not Delivery.objects.exists()


def test_the_team_settings_page_links_to_webhooks(team, alice):
    from plans.models import Membership

    Membership.objects.filter(team=team, user=alice).update(role="maintainer")
    page = client_for(alice).get(f"/teams/{team.pk}/").content.decode()
    assert f"/teams/{team.pk}/webhooks/" in page
