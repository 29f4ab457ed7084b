"""The record rules' kernel: a finding per order a record applies to, its condition's truth."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.conditions import (
    Findings,
    UnsupportedError,
    holds_over_batch,
    judge_order,
)
from grievance_rules.columnar.findings import Block, Coded, Filler, block, full
from grievance_rules.packs.schema import RecordRule

__all__ = ["record_rows"]

_TRUTHS = np.asarray(["false", "true"], dtype=object)


def record_rows(
    batch: OrderBatch,
    rule: RecordRule,
    selector: str,
    findings: Findings,
    only: set[int] | None = None,
) -> tuple[Block, set[int]]:
    """A finding per order the record rule applies to (columns), and the orders left over.

    ``only``: the orders where the condition could hold; on the others it is false.
    """
    fallback: set[int] = set()
    applies = batch.selector_mask(selector)
    if rule.runs_if is not None:  # only the orders judged on a date the reading is on
        applies = applies & batch.param_is_on(rule.runs_if)
    filler = batch.frame.remember("column-filler", Filler)
    truths: npt.NDArray[np.intp] | None = None  # (a computed state's code in _TRUTHS)
    if rule.when is None:
        states = filler.full(len(applies), "", object)
    else:
        holding = holds_over_batch(batch, rule.when)
        if holding is not None:
            truths = holding.astype(np.intp)
            states = _TRUTHS[truths]
        else:
            states = full(len(applies), "false", object)
            judged = np.flatnonzero(applies) if only is None else sorted(only)
            for i in (int(i) for i in judged):
                if not applies[i]:
                    continue
                try:
                    states[i] = "true" if judge_order(batch, i, rule.when, findings)[0] else "false"
                except UnsupportedError:
                    fallback.add(i)
            if fallback:
                applies = applies.copy()
                applies[list(fallback)] = False
    orders = np.flatnonzero(applies)
    state = states[orders] if truths is None else Coded(truths[orders], _TRUTHS)
    found = block(orders, batch.frame.ids, rule.id, "record", filler=filler, seq=0, state=state)
    return found, fallback
