"""The in-process cache of rendered plan versions: Django's cache API, without copies."""

from __future__ import annotations

from config.cache import InProcessCache


def make_cache(name: str, entries: int = 300) -> InProcessCache:
    cache = InProcessCache(name, {"TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": entries}})
    cache.clear()
    return cache


def test_it_gives_back_the_object_it_was_given():
    cache = make_cache("same-object")
    value = {"rows": [1, 2]}

    cache.set("k", value)

    assert cache.get("k") is value
    assert cache.get("missing", "default") == "default"


def test_the_least_recently_used_go_first_when_it_is_full():
    cache = make_cache("full", entries=3)
    for key in "abc":
        cache.set(key, key)
    cache.get("a")  # a is used again: b is now the least recently used

    cache.set("d", "d")

    assert [cache.has_key(k) for k in "abcd"] == [True, False, True, True]


def test_a_timeout_of_zero_keeps_nothing_and_none_keeps_forever():
    cache = make_cache("timeouts")

    cache.set("never", 1, 0)
    cache.set("forever", 2, None)

    assert cache.get("never") is None
    assert cache.get("forever") == 2


def test_add_touch_delete_and_incr_behave_as_django_documents():
    cache = make_cache("api")

    assert cache.add("k", 1)
    assert not cache.add("k", 2)
    assert cache.touch("k", None)
    assert not cache.touch("missing")
    assert cache.incr("k") == 2
    assert cache.delete("k")
    assert not cache.delete("k")
    assert cache.get("k") is None


def test_caches_of_the_same_name_share_their_entries():
    first, second = make_cache("shared"), InProcessCache("shared", {})

    first.set("k", "v")

    assert second.get("k") == "v"
