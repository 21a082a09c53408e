"""The mails: built by the worker from templates, with absolute links, to those who want them;
a mail server that fails is the worker's problem, tried again later, never the person's."""

from __future__ import annotations

import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification
from notifications.services import notify, set_email_kinds
from notifications.tasks import MAX_ATTEMPTS, send_notification_email
from plans.models import Membership

DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture
def broken_mail(settings):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}


def decided(plan, recipients, actor, **fields):
    """A lead's decision's notification, in the decision's transaction."""
    fields.setdefault("email_subject", f"Changes requested:\n{plan.title}")
    with transaction.atomic():
        return notify(
            recipients=recipients,
            kind=Notification.Kind.DECIDED,
            plan=plan,
            actor=actor,
            text=f"Bob requested changes to {plan.title}",
            url=f"/plans/{plan.pk}/#approval",
            context={"comment": "Say <how> we roll back."},
            **fields,
        )


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """decided() as the request does it: its commit hands the mails to the (immediate) worker."""

    def run(*args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return decided(*args, **kwargs)

    return run


def test_the_mail_has_a_text_and_an_html_body_with_absolute_links(
    plan, alice, bob, mailoutbox, commit
):
    commit(plan, [alice], bob)
    [mail] = mailoutbox
    link = f"https://plans.example.com/plans/{plan.pk}/#approval"
    assert link in mail.body
    assert "https://plans.example.com/inbox/settings/" in mail.body
    [(html, mimetype)] = mail.alternatives
    assert mimetype == "text/html"
    assert f'href="{link}"' in html
    assert "Say &lt;how&gt; we roll back." in html
    assert '"Say <how> we roll back."' in mail.body  # plain text is not escaped
    assert "See the decision" in mail.body


def test_the_subject_is_one_line(plan, alice, bob, mailoutbox, commit):
    commit(plan, [alice], bob)
    assert mailoutbox[0].subject == "Changes requested: Offline Sync"


def test_without_a_subject_the_mail_says_what_the_inbox_says(plan, alice, bob, mailoutbox, commit):
    commit(plan, [alice], bob, email_subject="")
    assert mailoutbox[0].subject == "Bob requested changes to Offline Sync"


def test_a_kind_turned_off_is_not_mailed_but_still_in_the_inbox(
    plan, alice, bob, mailoutbox, commit
):
    set_email_kinds(user=alice, kinds=[Notification.Kind.REVIEW_REQUESTED])
    commit(plan, [alice], bob)
    assert mailoutbox == []
    assert Notification.objects.filter(recipient=alice).count() == 1


def test_someone_without_an_address_is_not_mailed(plan, alice, bob, mailoutbox, commit):
    alice.email = ""
    alice.save()
    commit(plan, [alice], bob)
    assert mailoutbox == []


def test_someone_removed_from_the_team_before_the_mail_leaves_is_not_mailed(
    plan, alice, victor, bob, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        decided(plan, [victor], bob)
    Membership.objects.filter(user=victor).delete()
    for callback in callbacks:
        callback()
    assert mailoutbox == []


def test_a_failing_mail_server_never_reaches_the_person_who_acted(
    plan, alice, bob, broken_mail, commit, caplog
):
    commit(plan, [alice], bob)  # raises nothing
    assert Notification.objects.filter(recipient=alice).exists()
    assert "Could not send notification" in caplog.text


def test_a_failed_attempt_is_tried_again_later(plan, alice, bob, broken_mail, settings, caplog):
    settings.TASKS = DATABASE_TASKS
    [notification] = decided(plan, [alice], bob)
    with pytest.raises(smtplib.SMTPException):
        send_notification_email.call(
            notification_id=notification.pk, subject="s", template="t", context={}
        )
    [retry] = DBTaskResult.objects.all()
    assert retry.args_kwargs["kwargs"]["attempt"] == 2
    assert retry.run_after > retry.enqueued_at
    assert "retrying" in caplog.text


def test_the_last_attempt_gives_up(plan, alice, bob, broken_mail, settings, caplog):
    settings.TASKS = DATABASE_TASKS
    [notification] = decided(plan, [alice], bob)
    with pytest.raises(smtplib.SMTPException):
        send_notification_email.call(
            notification_id=notification.pk,
            subject="s",
            template="t",
            context={},
            attempt=MAX_ATTEMPTS,
        )
    assert not DBTaskResult.objects.exists()
    assert "giving up" in caplog.text
