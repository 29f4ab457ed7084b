"""Python's cyclic garbage collector paused around batch work: one context manager.

Reading, judging and folding a batch of orders allocates hundreds of thousands of
small acyclic objects (models, dicts, findings, rows); reference counting frees
them, and the collector's passes over them, and over what the plans and calendars
hold, cost a sixth to a third of the time. Every batch path (the per-order batch,
the columnar path, the Parquet reader, the scoring fold) pauses it with
:func:`paused` and restores it after, also on failure; a collector the caller had
disabled stays disabled.

What a batch allocated while the collector was paused and still holds (the orders
read, the findings) would all sit in the youngest generation when it is restored,
and the next allocation would start a pass over every one of them, then another as
they move to the middle generation: a tenth of a columnar ``compare`` from Parquet
went to those two passes (the project's ``gc.callbacks`` measurement, 20,000
orders). So on leaving, the survivors are moved straight to the oldest generation
(``gc.freeze()`` then ``gc.unfreeze()``, which puts the frozen objects there,
unscanned); they are scanned with it at its next full pass, and a cycle among them
is collected then. Objects a caller froze itself (``gc.get_freeze_count()`` above
0, as a pre-forking server does) are left frozen: the move is skipped.

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
            if not gc.get_freeze_count():  # (none frozen by the caller)
                gc.freeze()
                gc.unfreeze()  # (the frozen objects go to the oldest generation)
            gc.enable()
