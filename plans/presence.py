"""Who has which section of a plan open in an editor, kept in the default cache only.

Each open editor is one cache entry of its own (name, section, time of the last heartbeat),
which expires STALE_SECONDS after it; the plan has one more entry, the ids of the people who
may have one. A viewer's poll reads those two keys and the editors' entries in one more call
(`get_many`), whatever the number of sections, and servers sharing a cache (Redis, the database
cache) share them. An editor's heartbeat comes every ~15 s; closing an editor deletes its own
entry, so it can never be undone by someone else's heartbeat at the same instant. Two people
joining at the same instant can drop each other from the plan's list: the one dropped is seen
again from their next heartbeat, which puts them back.
"""

from __future__ import annotations

import time
from typing import Any

from django.core.cache import cache

STALE_SECONDS = 60


def _index_key(plan_pk: int) -> str:
    return f"presence:{plan_pk}"


def _editor_key(plan_pk: int, user_pk: int | str) -> str:
    return f"presence:{plan_pk}:{user_pk}"


def _fresh(entry: dict[str, Any] | None, now: float) -> bool:
    return entry is not None and now - entry.get("at", 0) < STALE_SECONDS


def heartbeat(plan_pk: int, user_pk: int, name: str, section: str | None) -> None:
    """The user has `section` open (None: no editor open any more)."""
    if not section:
        cache.delete(_editor_key(plan_pk, user_pk))
        return
    now = time.time()
    cache.set(
        _editor_key(plan_pk, user_pk),
        {"name": name, "section": section, "at": now},
        STALE_SECONDS,
    )
    ids = cache.get(_index_key(plan_pk)) or []
    if str(user_pk) not in ids:
        # Keep only the ids whose editor is still there, then add this one.
        entries = cache.get_many([_editor_key(plan_pk, uid) for uid in ids])
        ids = [uid for uid in ids if _fresh(entries.get(_editor_key(plan_pk, uid)), now)]
        cache.set(_index_key(plan_pk), [*ids, str(user_pk)], STALE_SECONDS * 2)
    else:
        cache.touch(_index_key(plan_pk), STALE_SECONDS * 2)


def editing(plan_pk: int, viewer_pk: int) -> dict[str, list[str]]:
    """Section key → names of the people (other than the viewer) editing it now."""
    now = time.time()
    ids = [uid for uid in cache.get(_index_key(plan_pk)) or [] if uid != str(viewer_pk)]
    entries = cache.get_many([_editor_key(plan_pk, uid) for uid in ids])
    by_section: dict[str, list[str]] = {}
    for entry in entries.values():
        if _fresh(entry, now):
            by_section.setdefault(entry["section"], []).append(entry["name"])
    return {key: sorted(names) for key, names in by_section.items()}
