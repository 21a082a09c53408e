"""Who has which section of a plan open in an editor, kept in the default cache only.

One cache entry per plan holds every open editor of it (user id → name, section, time of the
last heartbeat), so that a viewer's poll reads one key whatever the number of sections, and
servers sharing a cache (Redis, the database cache) share it. An editor's heartbeat comes every
~15 s; one not heard from for STALE_SECONDS is gone. A lost update between two heartbeats at
the same instant only hides an editor until their next heartbeat.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

STALE_SECONDS = 60


def _key(plan_pk: int) -> str:
    return f"presence:{plan_pk}"


def _fresh(entries: dict[str, Any], now: float) -> dict[str, Any]:
    return {uid: e for uid, e in entries.items() if now - e.get("at", 0) < STALE_SECONDS}


def heartbeat(plan_pk: int, user_pk: int, name: str, section: str | None) -> None:
    """The user has `section` open (None: no editor open any more)."""
    now = time.time()
    entries = _fresh(cache.get(_key(plan_pk)) or {}, now)
    if section:
        entries[str(user_pk)] = {"name": name, "section": section, "at": now}
    else:
        entries.pop(str(user_pk), None)
    if entries:
        cache.set(_key(plan_pk), entries, STALE_SECONDS * 2)
    else:
        cache.delete(_key(plan_pk))


def editing(plan_pk: int, viewer_pk: int) -> dict[str, list[str]]:
    """Section key → names of the people (other than the viewer) editing it now."""
    now = time.time()
    by_section: dict[str, list[str]] = {}
    for uid, entry in _fresh(cache.get(_key(plan_pk)) or {}, now).items():
        if uid != str(viewer_pk):
            by_section.setdefault(entry["section"], []).append(entry["name"])
    return {key: sorted(names) for key, names in by_section.items()}
