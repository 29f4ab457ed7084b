"""Python's cyclic garbage collector paused around batch work: one context manager.

Reading, judging and folding a batch of orders allocates hundreds of thousands of
small acyclic objects (models, dicts, findings, rows); reference counting frees
them, and the collector's passes over them, and over what the plans and calendars
hold, cost a sixth to a third of the time. Every batch path (the per-order batch,
the columnar path, the Parquet reader, the scoring fold) pauses it with
:func:`paused` and restores it after, also on failure; a collector the caller had
disabled stays disabled.

Example:
    >>> import gc
    >>> with paused():
    ...     gc.isenabled()
    False
    >>> gc.isenabled()
    True
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator

__all__ = ["paused"]


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """The cyclic garbage collector paused for the block (restored after)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
