"""/inbox/settings/: each person chooses which kinds also come by e-mail."""

from __future__ import annotations

from notifications.models import Notification, NotificationPreference

SETTINGS = "/inbox/settings/"
KINDS = Notification.Kind


def test_every_kind_comes_by_email_until_turned_off(as_alice):
    response = as_alice.get(SETTINGS)
    assert response.status_code == 200
    assert response.text.count('type="checkbox"') == len(KINDS.values)
    assert response.text.count("checked") == len(KINDS.values)
    assert not NotificationPreference.objects.exists()  # a GET writes nothing


def test_turning_kinds_off(as_alice, alice):
    kept = [KINDS.REVIEW_REQUESTED, KINDS.DECIDED]
    response = as_alice.post(SETTINGS, {"email": kept}, follow=True)
    assert "Your e-mail preferences are saved." in response.text
    preference = NotificationPreference.objects.get(user=alice)
    assert preference.wants_email(KINDS.DECIDED)
    assert not preference.wants_email(KINDS.REPLY)
    assert response.text.count("checked") == 2


def test_unticking_everything_turns_every_kind_off(as_alice, alice):
    as_alice.post(SETTINGS, {})
    preference = NotificationPreference.objects.get(user=alice)
    assert not any(preference.wants_email(kind) for kind in KINDS.values)


def test_an_unknown_kind_is_refused_and_nothing_saved(as_alice):
    response = as_alice.post(SETTINGS, {"email": ["gossip"]})
    assert response.status_code == 422
    assert not NotificationPreference.objects.exists()


def test_each_person_has_their_own(as_alice, alice, victor):
    as_alice.post(SETTINGS, {})
    assert not NotificationPreference.objects.filter(user=victor).exists()


def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(SETTINGS)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_wrong_method(as_alice):
    assert as_alice.put(SETTINGS).status_code == 405
