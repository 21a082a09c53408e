"""A process-local cache that keeps values as they are, for values nobody changes."""

from __future__ import annotations

import time
from collections import OrderedDict
from threading import Lock
from typing import Any

from django.core.cache.backends.base import DEFAULT_TIMEOUT, BaseCache

# Entry: (expiry as a time.time() value, or None for never; the value).
_STORES: dict[str, OrderedDict[str, tuple[float | None, Any]]] = {}
_LOCKS: dict[str, Lock] = {}


class InProcessCache(BaseCache):
    """Like Django's local-memory cache (per process, least recently used dropped beyond
    MAX_ENTRIES), but without pickling: `get` returns the very object `set` was given.
    Django's copies every value so that no caller can change the kept one; unpickling the
    Approval panel's model instances cost a fifth of a warm plan page. So keep only values
    that nobody changes once made: rendered HTML (strings), frozen dataclasses, and objects
    that are only read."""

    def __init__(self, name: str, params: dict[str, Any]) -> None:
        super().__init__(params)
        self._entries = _STORES.setdefault(name, OrderedDict())
        self._lock = _LOCKS.setdefault(name, Lock())

    def _live(self, key: str) -> tuple[float | None, Any] | None:
        entry = self._entries.get(key)
        if entry is None:
            return None
        expiry = entry[0]
        if expiry is not None and expiry <= time.time():
            del self._entries[key]
            return None
        self._entries.move_to_end(key, last=False)  # most recently used first
        return entry

    def _store(self, key: str, value: Any, timeout: Any) -> None:
        if key not in self._entries and len(self._entries) >= self._max_entries:
            for _ in range(max(1, len(self._entries) // self._cull_frequency)):
                self._entries.popitem()  # the least recently used
        self._entries[key] = (self.get_backend_timeout(timeout), value)
        self._entries.move_to_end(key, last=False)

    def get(self, key: Any, default: Any = None, version: int | None = None) -> Any:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
        return default if entry is None else entry[1]

    def set(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> None:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            self._store(key, value, timeout)

    def add(
        self, key: Any, value: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None
    ) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._live(key) is not None:
                return False
            self._store(key, value, timeout)
            return True

    def touch(self, key: Any, timeout: Any = DEFAULT_TIMEOUT, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            entry = self._live(key)
            if entry is None:
                return False
            self._entries[key] = (self.get_backend_timeout(timeout), entry[1])
            return True

    def delete(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._entries.pop(key, None) is not None

    def has_key(self, key: Any, version: int | None = None) -> bool:
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            return self._live(key) is not None

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
