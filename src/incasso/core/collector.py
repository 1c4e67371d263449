"""Python's cyclic garbage collector paused for a batch run.

A large import allocates millions of small objects (parsed entries, model instances, rows) that live
until it ends. CPython's collector runs a generation-0 pass every 700 allocations and full passes as
the heap grows, each walking every live object: on the 100,000-entry statement import that was
≈ 3.4 s of 23 s of Python, and none of it freed anything (bench/RESULTS.md). Reference counting still
frees almost everything at once; the few cycles made during the run are collected once the collector
is back on. The collector is restored as it was, also when the run fails.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collector_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
