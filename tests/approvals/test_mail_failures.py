"""A decision is recorded whatever the mail server does: mail leaves after the commit, and a
failure is logged, never shown to the person who acted as an error page."""

from __future__ import annotations

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from approvals.services import assign_roles
from plans.models import Membership, Plan
from tests.factories import make_user


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}


@pytest.fixture
def ready(plan, alice, team):
    bob = make_user("bob")
    Membership.objects.create(team=team, user=bob, role="editor")
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob)])
    return plan


def test_a_failing_mail_server_does_not_turn_a_request_into_an_error(
    ready, as_alice, broken_mail, django_capture_on_commit_callbacks, caplog
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("approvals:request", args=[ready.pk]), follow=True)
    assert response.status_code == 200
    assert "Sign-off requested" in response.text
    assert Plan.objects.get(pk=ready.pk).status == "in_review"
    assert "Could not send" in caplog.text


def test_a_title_that_holds_a_line_break_from_old_data_still_mails_the_leads(
    ready, as_alice, django_capture_on_commit_callbacks, mailoutbox
):
    Plan.objects.filter(pk=ready.pk).update(title="Offline\nBcc: everyone@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        response = as_alice.post(reverse("approvals:request", args=[ready.pk]))
    assert response.status_code == 302
    assert [m.subject for m in mailoutbox] == [
        "Sign-off requested: Offline Bcc: everyone@example.com"
    ]
