"""Personal access tokens: a script acts as its person, with the scope the person gave it."""

from __future__ import annotations

import hashlib
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

PREFIX = "pst_"  # "Plansign token": a secret scanner can tell ours apart


def digest(secret: str) -> str:
    """Tokens are 256 random bits: a plain SHA-256 is enough, a slow hash would add nothing
    but time to every API request."""
    return hashlib.sha256(secret.encode()).hexdigest()


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    def usable(self) -> ApiTokenQuerySet:
        now = timezone.now()
        return self.filter(revoked_at__isnull=True).filter(
            models.Q(expires_at__isnull=True) | models.Q(expires_at__gt=now)
        )


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "Read"
        WRITE = "write", "Read and write"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.READ)
    # The first characters of the secret, shown in the list so that a person tells tokens apart.
    prefix = models.CharField(max_length=16)
    hashed = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @classmethod
    def issue(cls, **fields: object) -> tuple[ApiToken, str]:
        """A new token and its secret, which is shown once and kept nowhere."""
        secret = PREFIX + secrets.token_urlsafe(32)
        token = cls.objects.create(prefix=secret[:12], hashed=digest(secret), **fields)
        return token, secret

    @classmethod
    def find(cls, secret: str) -> ApiToken | None:
        if not secret.startswith(PREFIX) or len(secret) > 200:
            return None
        return cls.objects.usable().select_related("user").filter(hashed=digest(secret)).first()

    @property
    def is_expired(self) -> bool:
        return self.expires_at is not None and self.expires_at <= timezone.now()

    @property
    def may_write(self) -> bool:
        return self.scope == self.Scope.WRITE
