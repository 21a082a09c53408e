"""Addresses of the many rows of one page, made without reversing each one.

`reverse()` walks the URL resolver on every call (about 11 µs here): a page of fifty events,
each with its own address and a compare link, spent more time naming its links than reading
its rows (bench/scale.py's activity page). A page's renderer reverses each kind of address once
and fills in each row's keys.
"""

from __future__ import annotations

from collections.abc import Callable

from django.urls import reverse

# Placeholder keys: digits no address holds otherwise, each found exactly once (else the
# address is reversed as usual).
_MARKS = (90_817_263_541, 90_817_263_542)


def address_of(name: str, arity: int = 1) -> Callable[..., str]:
    """A function of `arity` integer keys giving reverse(name, args=keys), for the rows of one
    page: the address is reversed once with placeholders, and each call puts its keys in their
    place. Made per page, so that the script prefix of the request is the one used."""
    if arity > len(_MARKS):
        return lambda *keys: reverse(name, args=keys)
    marks = [str(mark) for mark in _MARKS[:arity]]
    text = reverse(name, args=[int(m) for m in marks])
    if any(text.count(m) != 1 for m in marks):
        return lambda *keys: reverse(name, args=keys)
    pattern = text.replace("{", "{{").replace("}", "}}")
    for i, mark in enumerate(marks):
        pattern = pattern.replace(mark, f"{{{i}:d}}")
    return pattern.format
