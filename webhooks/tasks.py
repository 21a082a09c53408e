"""The background worker's work: one attempt at posting one delivery, retried with exponential
backoff (1, 2, 4, 8, 16 minutes…) until MAX_ATTEMPTS, as notifications.tasks retries mails."""

from __future__ import annotations

import time
import urllib.error
import urllib.request
from datetime import timedelta

from django.conf import settings
from django.tasks import task
from django.utils import timezone

from webhooks.models import Delivery
from webhooks.services import signature
from webhooks.urls_check import UnsafeUrl, check_url

MAX_ATTEMPTS = 6
FIRST_DELAY = timedelta(minutes=1)
TIMEOUT_SECONDS = 5
EXCERPT = 200  # characters of the answer kept in the log
READ_AT_MOST = 1024  # bytes of the answer read at all


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """A redirect is the receiver's answer, not a new address to post to (it could point
    inside the network the host check keeps out)."""

    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


_opener = urllib.request.build_opener(_NoRedirects)


def backoff(attempt: int) -> timedelta:
    return FIRST_DELAY * (2 ** (attempt - 1))


@task()
def deliver_webhook(*, delivery_id: int, attempt: int = 1) -> str:
    delivery = Delivery.objects.select_related("webhook").filter(pk=delivery_id).first()
    if delivery is None:
        return "gone"
    hook = delivery.webhook
    if not hook.active and delivery.event != "ping":
        return _finish(delivery, Delivery.Status.FAILED, attempt, outcome="Webhook turned off.")
    body = delivery.body.encode()
    request = urllib.request.Request(
        hook.url,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/json",
            "User-Agent": "Plansign-Webhook/1",
            "X-Plansign-Event": delivery.event,
            "X-Plansign-Delivery": str(delivery.pk),
            "X-Plansign-Signature": signature(hook.secret, body),
        },
    )
    started = time.monotonic()
    code: int | None = None
    try:
        check_url(hook.url)
        with _opener.open(request, timeout=TIMEOUT_SECONDS) as response:
            code = response.status
            excerpt = response.read(READ_AT_MOST).decode("utf-8", "replace")
    except UnsafeUrl as error:
        # An address that became internal is not retried: it will not become public by itself.
        return _finish(delivery, Delivery.Status.FAILED, attempt, outcome=str(error))
    except urllib.error.HTTPError as error:
        code = error.code
        excerpt = error.read(READ_AT_MOST).decode("utf-8", "replace") if error.fp else ""
    except (OSError, ValueError) as error:
        excerpt = f"{type(error).__name__}: {error}"
    duration = int((time.monotonic() - started) * 1000)
    if code is not None and 200 <= code < 300:
        return _finish(delivery, Delivery.Status.DELIVERED, attempt, code, duration, excerpt)
    retrying = attempt < MAX_ATTEMPTS and _retry(delivery_id, attempt)
    status = Delivery.Status.RETRYING if retrying else Delivery.Status.FAILED
    return _finish(delivery, status, attempt, code, duration, excerpt)


def _finish(
    delivery: Delivery,
    status: str,
    attempt: int,
    code: int | None = None,
    duration: int | None = None,
    outcome: str = "",
) -> str:
    delivery.status, delivery.attempts = status, attempt
    delivery.response_code, delivery.duration_ms = code, duration
    delivery.outcome = " ".join(outcome.split())[:EXCERPT]
    delivery.finished_at = timezone.now()
    delivery.save()
    return status


def _retry(delivery_id: int, attempt: int) -> bool:
    """Enqueue the next attempt after its delay; False where the backend cannot defer a task
    (the immediate backend of development runs it in the request: no waiting there)."""
    if not deliver_webhook.get_backend().supports_defer:
        return False
    deliver_webhook.using(run_after=timezone.now() + backoff(attempt)).enqueue(
        delivery_id=delivery_id, attempt=attempt + 1
    )
    return True


__all__ = ["deliver_webhook", "settings"]
