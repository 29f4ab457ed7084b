"""One pass over a stream of inputs: each order assessed under several packs, or rejected.

Inputs may be :class:`~grievance_rules.model.WorkOrder` objects, the
:class:`~grievance_rules.reading.Accepted` / :class:`~grievance_rules.reading.Rejected`
results of the readers, plain dicts or JSON strings. Every input yields one
:class:`Assessed` (the order and one assessment per pack, in pack order) or one
:class:`~grievance_rules.engine.Rejection`, in input order, so the counts add up.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from grievance_rules.engine import Assessment, Rejection, RepeatIndex, evaluate_each
from grievance_rules.engine.batch import (
    BatchInput,
    DuplicateIds,
    Duplicates,
    PackSource,
    last_positions,
    parse_input,
    record_rejection,
    refuse_batch_arguments,
    source_of,
)
from grievance_rules.engine.duplicates import last_needs_a_sequence
from grievance_rules.engine.matching import EngineName
from grievance_rules.engine.plan import loaded_pack
from grievance_rules.errors import PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack

__all__ = [
    "Assessed",
    "OrderInput",
    "assess_stream",
    "parse_input",
    "record_rejection",
    "resolve_packs",
    "source_of",
]

OrderInput = BatchInput
"""What the scoring functions accept as one input (the engine's batch input)."""


@dataclass(frozen=True, slots=True)
class Assessed:
    """An order and its assessment under each pack, in the order the packs were given."""

    position: int
    order: WorkOrder
    assessments: tuple[Assessment, ...]


def resolve_packs(packs: Iterable[PackSource]) -> list[Pack]:
    """Packs given by object, compiled plan, name or directory (text or a path), loaded.

    A name or directory is found through the engine's plan cache (:func:`plan_for`):
    loaded again only when its files changed, so a service or a loop that scores by
    name does not read and check the pack's YAML on every call.

    Raises:
        PackNotFoundError: a name that is no pack.
        PackError: no packs, or the same pack twice (a ``ValueError`` too).
    """
    if not (isinstance(packs, Sequence) and not packs):  # (none: the PackError below)
        refuse_batch_arguments(packs, 1, None)  # (one pack's name is no list of packs)
    loaded = [loaded_pack(p) for p in packs]
    if not loaded:
        raise PackError(_("no packs given"), field="packs")
    keys = [pack.key for pack in loaded]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if twice:
        raise PackError(
            _("the same pack given twice: {packs}").format(packs=join_list(twice)), field="packs"
        )
    return loaded


def assess_stream(
    items: Iterable[OrderInput],
    packs: Sequence[Pack],
    *,
    as_of: dt.datetime | None = None,
    repeats: RepeatIndex | None = None,
    processes: int = 1,
    progress: Callable[[int], None] | None = None,
    engine: EngineName = "native",
    duplicates: Duplicates = "reject",
    last: Mapping[str, int] | None = None,
) -> Iterator[Assessed | Rejection]:
    """Assess each input under every pack, in input order; bounded memory.

    Each order is parsed once and judged under every pack in the same process
    (:func:`~grievance_rules.engine.evaluate_each`); with ``processes > 1``, in
    worker processes that get the compiled packs once.

    Args:
        items: the inputs (see the module docstring).
        packs: loaded packs.
        as_of: the instant of every assessment (``None``: each order's last event).
        repeats: other orders' keys, for repeat conditions across orders.
        processes: worker processes for the engine (1: in this process).
        progress: called with 1 after each input, for a progress bar.
        engine: the matching backend (``native`` or ``durable``).
        duplicates: ``reject`` (the default) rejects an order whose id an earlier
            assessed input had, naming where; ``last`` assesses only the last input of
            each id and rejects the earlier ones as replaced; ``allow`` assesses all.
        last: with ``last``, each id's last position (:func:`last_positions`, a first
            pass over the same inputs); computed here when ``items`` is a sequence.
    """
    if duplicates == "last" and last is None:
        if not isinstance(items, Sequence) or isinstance(items, str | bytes):
            raise last_needs_a_sequence(items, last=True)
        last = last_positions(items)
    parsed = (
        (
            source_of(position, item),
            parse_input(position, item),
        )
        for position, item in enumerate(items)
    )
    # the valid orders go through the engine; a window of inputs waits here for their
    # results, which come back in input order
    waiting: deque[tuple[int, str, WorkOrder | Rejection]] = deque()

    def orders() -> Iterator[WorkOrder]:
        for position, (source, entry) in enumerate(parsed):
            waiting.append((position, source, entry))
            if isinstance(entry, WorkOrder):
                yield entry

    def flush_rejections() -> Iterator[Rejection]:
        while waiting and not isinstance(waiting[0][2], WorkOrder):
            _, _, rejection = waiting.popleft()
            assert isinstance(rejection, Rejection)
            yield rejection
            if progress is not None:
                progress(1)

    results = evaluate_each(
        orders(),
        packs,
        as_of,
        repeats=repeats,
        processes=processes,
        engine=engine,
        duplicates="allow",  # told apart here, where each input's source is known
    )
    seen = DuplicateIds(duplicates, last)
    for row in results:
        yield from flush_rejections()
        position, source, order = waiting.popleft()
        assert isinstance(order, WorkOrder)
        failed = [r.rejection for r in row if r.rejection is not None]
        if failed:
            reasons = dict.fromkeys(reason for r in failed for reason in r.reasons)
            yield Rejection(source=source, order_id=order.id, reasons=tuple(reasons))
        elif (reason := seen.reason(order.id, position, source)) is not None:
            yield Rejection(source=source, order_id=order.id, reasons=(reason,))
        else:
            yield Assessed(position, order, tuple(r.assessment for r in row if r.assessment))
        if progress is not None:
            progress(1)
    yield from flush_rejections()
