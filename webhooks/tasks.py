"""The background worker's work: one attempt at posting one delivery, retried with exponential
backoff (1, 2, 4, 8, 16 minutes…) until MAX_ATTEMPTS, as notifications.tasks retries mails."""

from __future__ import annotations

import http.client
import socket
import ssl
import time
from datetime import timedelta
from urllib.parse import urlsplit

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


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """A connection to `address`, the IP the host check vetted, however the host's name resolves
    now; the request still names the host (its Host header, and for https its certificate and
    SNI), so the receiver sees an ordinary request."""

    def __init__(self, host: str, port: int | None, *, address: str | None, timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.address = address

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address or self.host, self.port), self.timeout)


class _PinnedHTTPSConnection(_PinnedHTTPConnection):
    default_port = http.client.HTTPS_PORT
    context = ssl.create_default_context()

    def connect(self) -> None:
        super().connect()
        self.sock = self.context.wrap_socket(self.sock, server_hostname=self.host)


def post(url: str, body: bytes, headers: dict[str, str], *, address: str | None) -> tuple[int, str]:
    """POST `body` to `url` over a connection to `address` (see check_url); the answer's status
    and its first READ_AT_MOST bytes. A redirect is an answer like any other, never followed
    (it could point inside the network the host check keeps out)."""
    parts = urlsplit(url)
    connection_class = _PinnedHTTPSConnection if parts.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(
        parts.hostname or "", parts.port, address=address, timeout=TIMEOUT_SECONDS
    )
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        return response.status, response.read(READ_AT_MOST).decode("utf-8", "replace")
    finally:
        connection.close()


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
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Plansign-Webhook/1",
        "X-Plansign-Event": delivery.event,
        "X-Plansign-Delivery": str(delivery.pk),
        "X-Plansign-Signature": signature(hook.secret, body),
    }
    started = time.monotonic()
    code: int | None = None
    try:
        address = check_url(hook.url)
        code, excerpt = post(hook.url, body, headers, address=address)
    except UnsafeUrl as error:
        # An address that became internal is not retried: it will not become public by itself.
        return _finish(delivery, Delivery.Status.FAILED, attempt, outcome=str(error))
    except (OSError, ValueError, http.client.HTTPException) as error:
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
