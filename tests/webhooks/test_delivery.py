"""Webhooks deliver signed JSON to a real server, log each delivery, and retry with backoff."""

from __future__ import annotations

import hashlib
import hmac
import json
import socket

import pytest
from django.core.management import call_command
from django.db import transaction
from django.tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from approvals.models import SignoffRole
from approvals.services import assign_roles, request_signoff
from plans.models import OpenQuestion
from tests.factories import make_plan, sign_as
from threads.services import resolve_thread, start_thread
from webhooks import tasks
from webhooks.models import Delivery
from webhooks.tasks import backoff, deliver_webhook, post

pytestmark = pytest.mark.django_db(transaction=True)


def events(receiver) -> list[str]:
    return [json.loads(body)["event"] for _, body in receiver.received]


def test_a_new_plan_is_posted_signed_with_a_link(hook, team, alice, receiver):
    plan = make_plan(team, alice, title="Kiosk Mode")
    headers, body = receiver.received[0]
    payload = json.loads(body)
    expected = "sha256=" + hmac.new(b"s3cret", body, hashlib.sha256).hexdigest()
    assert headers["X-Plansign-Signature"] == expected
    assert payload["event"] == "plan.created"
    assert payload["plan"]["title"] == "Kiosk Mode"
    assert payload["version"] == 1
    assert payload["link"] == f"https://plans.example.com/plans/{plan.pk}/"


def test_each_event_of_a_review_is_posted_once(hook, team, alice, bob, quinn, receiver):
    plan = make_plan(team, alice)
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob), ("QA Lead", quinn)])
    request_signoff(plan=plan, user=alice, label="1.0")
    thread = start_thread(plan=plan, user=bob, section_key="overview", body="Why?")
    resolve_thread(thread=thread, user=alice)
    sign_as(SignoffRole.objects.get(plan=plan, name="Product Owner"), bob)
    sign_as(SignoffRole.objects.get(plan=plan, name="QA Lead"), quinn)
    assert events(receiver) == [
        "plan.created",
        "signoff.requested",
        "thread.opened",
        "thread.resolved",
        "signoff.decided",
        "signoff.decided",
        "plan.approved",
    ]


def test_approving_settles_the_leads_change_request_thread_and_says_so(
    hook, team, alice, bob, receiver
):
    plan = make_plan(team, alice)
    OpenQuestion.objects.filter(plan=plan).update(resolved=True)
    assign_roles(plan=plan, user=alice, assignments=[("Product Owner", bob)])
    request_signoff(plan=plan, user=alice, label="1.0")
    role = SignoffRole.objects.get(plan=plan)
    sign_as(role, bob, "changes_requested", comment="Rollback?")
    request_signoff(plan=plan, user=alice, label="1.1")
    sign_as(role, bob)
    assert events(receiver)[2:] == [
        "thread.opened",  # the request for changes, as a thread on the Approval section
        "signoff.decided",
        "signoff.requested",
        "thread.resolved",  # settled by the lead's approval
        "signoff.decided",
        "plan.approved",
    ]


def test_the_delivery_is_logged_with_code_and_duration(hook, team, alice, receiver):
    make_plan(team, alice)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == ("delivered", 200, 1)
    assert delivery.duration_ms is not None
    assert len(delivery.outcome) <= 200


def test_only_the_events_a_webhook_wants_are_sent(hook, team, alice, receiver):
    hook.events = ["plan.approved"]
    hook.save()
    make_plan(team, alice)
    assert receiver.received == []


def test_a_rolled_back_action_sends_nothing(hook, team, alice, receiver):
    with transaction.atomic():
        make_plan(team, alice)
        transaction.set_rollback(True)
    assert receiver.received == []


def test_an_error_answer_is_retried_later_with_backoff(hook, team, alice, receiver, settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    receiver.status = 503
    make_plan(team, alice)
    call_command("db_worker", "--batch", "--no-reload", "--no-startup-delay", verbosity=0)
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.response_code) == ("retrying", 503)
    _, second = DBTaskResult.objects.order_by("enqueued_at")
    assert second.status == TaskResultStatus.READY
    assert second.args_kwargs["kwargs"]["attempt"] == 2
    assert second.run_after is not None
    assert [backoff(n).total_seconds() for n in (1, 2, 3)] == [60, 120, 240]


def test_the_last_attempt_gives_up(hook, team, alice, receiver):
    receiver.status = 500
    make_plan(team, alice)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"  # the immediate backend cannot wait: no retry
    deliver_webhook.call(delivery_id=delivery.pk, attempt=6)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", 6)


def test_an_unreachable_receiver_is_logged_not_raised(hook, team, alice, receiver):
    hook.url = "http://127.0.0.1:9/nothing"
    hook.save()
    make_plan(team, alice)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert delivery.response_code is None
    assert "Error" in delivery.outcome


def test_an_internal_address_is_refused_at_delivery(hook, team, alice, receiver, settings):
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    make_plan(team, alice)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert "internal address" in delivery.outcome
    assert receiver.received == []


def test_the_post_goes_to_the_address_checked_and_names_the_host(receiver):
    port = receiver.url.split(":")[2].split("/")[0]
    # hooks.invalid resolves nowhere: only the address given is connected to.
    code, excerpt = post(
        f"http://hooks.invalid:{port}/hook?x=1", b"{}", {"X-Test": "1"}, address="127.0.0.1"
    )
    assert code == 200 and excerpt.startswith("thanks")
    headers, body = receiver.received[0]
    assert headers["Host"] == f"hooks.invalid:{port}"
    assert body == b"{}"


def test_a_name_that_turns_internal_after_the_check_is_not_posted_to(
    hook, team, alice, receiver, settings, monkeypatch
):
    """DNS rebinding: the name is public when checked, then points at an internal server."""
    settings.WEBHOOK_ALLOW_PRIVATE_HOSTS = False
    port = int(receiver.url.split(":")[2].split("/")[0])
    hook.url = f"http://rebinding.example:{port}/hook"
    hook.save()
    answers = iter(["1.1.1.1"])  # the first lookup public, every later one loopback

    def getaddrinfo(host, *args, **kwargs):
        if host != "rebinding.example":
            return real_getaddrinfo(host, *args, **kwargs)
        ip = next(answers, "127.0.0.1")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (ip, port))]

    real_getaddrinfo = socket.getaddrinfo
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(tasks, "TIMEOUT_SECONDS", 1)  # 1.1.1.1 is out of reach here
    make_plan(team, alice)
    delivery = Delivery.objects.get()
    assert delivery.status == "failed"
    assert receiver.received == []
