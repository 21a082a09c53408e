"""The real database backend: the request enqueues, `manage.py db_worker` sends."""

from __future__ import annotations

import signal
import smtplib

import pytest
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db(transaction=True)


class BrokenMailServer(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def worker():
    """Run the worker until the queue holds nothing ready, as the README's command does; it
    takes over the process's signals, which the test runner gets back."""
    handlers = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGQUIT)}

    def run() -> None:
        call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)

    yield run
    for number, handler in handlers.items():
        signal.signal(number, handler)


def request_review(plan, alice, bob) -> None:
    with transaction.atomic():
        notify(
            recipients=[bob],
            kind=Notification.Kind.REVIEW_REQUESTED,
            plan=plan,
            actor=alice,
            text=f"Alice asks you to sign off {plan.title}",
            url=f"/plans/{plan.pk}/#approval",
            email_subject=f"Sign-off requested: {plan.title}",
        )


def test_the_request_enqueues_and_the_worker_sends(plan, alice, bob, mailoutbox, worker):
    request_review(plan, alice, bob)
    [task] = DBTaskResult.objects.all()
    assert task.status == TaskResultStatus.READY
    assert mailoutbox == []
    worker()
    assert [m.subject for m in mailoutbox] == ["Sign-off requested: Offline Sync"]
    assert f"https://plans.example.com/plans/{plan.pk}/#approval" in mailoutbox[0].body
    assert DBTaskResult.objects.get().status == TaskResultStatus.SUCCESSFUL


def test_a_mail_the_server_refused_is_failed_and_waits_for_its_next_attempt(
    plan, alice, bob, mailoutbox, worker, settings
):
    settings.MAILERS = {"default": {"BACKEND": f"{__name__}.BrokenMailServer"}}
    request_review(plan, alice, bob)
    worker()
    first, second = DBTaskResult.objects.order_by("enqueued_at")
    assert first.status == TaskResultStatus.FAILED
    assert first.exception_class_path == "smtplib.SMTPServerDisconnected"
    assert second.status == TaskResultStatus.READY  # later: this worker run left it
    assert second.args_kwargs["kwargs"]["attempt"] == 2
