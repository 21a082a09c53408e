"""Reading and saving a long document without the garbage collector's full passes."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for a bounded piece of work.

    Reading a 1 MB document makes some 100,000 objects (tokens, blocks, rows) that all live
    until the plan is saved. Their number trips the collector's thresholds, and each full
    pass walks every object of the process, the app's own included: 150 to 380 ms of a 1 MB
    import on a busy machine, for nothing, since every one of them is still in use. Objects
    are still freed when their last reference goes; cycles wait for the next pass after it.
    The work is bounded by the reader's own limits (MAX_BYTES, MAX_LINES), so is the memory.
    """
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()
