"""The events table: every kept event of a batch as columns, with what the plan matched.

One row per event each order keeps at its assessment instant, in the order's time
order: ``order`` (position in the batch), ``position`` (among the kept events),
``event`` (index in ``order.events``), ``type`` (a code into :attr:`EventsTable.types`),
``at_us`` (int64 µs UTC), ``unit`` and ``handling`` (codes into
:attr:`EventsTable.units`, ``-1`` for none: the acting unit, and the unit holding the
order after the event), and one boolean column per event pattern of the plan (what
each event reference of the pack matched). Orders have their own columns:
``order_id``, ``received_us``, ``as_of_us`` and one boolean per selector pattern.

The kernels read the same matches through :class:`~.batch.OrderBatch`; this table is
the batch's columnar form for analysis and export (:meth:`EventsTable.to_arrow`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from grievance_rules.columnar._deps import require_pyarrow
from grievance_rules.columnar.batch import OrderBatch
from grievance_rules.columnar.instants import to_us

__all__ = ["EventsTable", "events_table"]


@dataclass(frozen=True)
class EventsTable:
    """A batch's events and orders as numpy columns (see the module docstring)."""

    order: npt.NDArray[np.int64]
    position: npt.NDArray[np.int64]
    event: npt.NDArray[np.int64]
    type: npt.NDArray[np.int32]
    at_us: npt.NDArray[np.int64]
    unit: npt.NDArray[np.int32]
    handling: npt.NDArray[np.int32]
    patterns: Mapping[str, npt.NDArray[np.bool_]]
    types: tuple[str, ...]
    units: tuple[str, ...]
    order_id: tuple[str, ...]
    received_us: npt.NDArray[np.int64]
    as_of_us: npt.NDArray[np.int64]
    selectors: Mapping[str, npt.NDArray[np.bool_]]

    def __len__(self) -> int:
        return len(self.order)

    def to_arrow(self) -> tuple[Any, Any]:
        """(events, orders) as ``pyarrow.Table`` s, codes decoded to strings.

        Raises:
            MissingExtraError: pyarrow is not installed (the ``columnar`` extra).
        """
        pa = require_pyarrow()
        stamp = pa.timestamp("us", tz="UTC")
        types = np.asarray(self.types, dtype=object)
        units = np.asarray((*self.units, None), dtype=object)  # -1 reads the last: None
        events = {
            "order": pa.array(self.order),
            "position": pa.array(self.position),
            "event": pa.array(self.event),
            "type": pa.array(types[self.type].tolist(), pa.string()),
            "at": pa.array(self.at_us, stamp),
            "unit": pa.array(units[self.unit].tolist(), pa.string()),
            "handling": pa.array(units[self.handling].tolist(), pa.string()),
            **{name: pa.array(column) for name, column in sorted(self.patterns.items())},
        }
        orders = {
            "order": pa.array(np.arange(len(self.order_id), dtype=np.int64)),
            "order_id": pa.array(list(self.order_id), pa.string()),
            "received": pa.array(self.received_us, stamp),
            "as_of": pa.array(self.as_of_us, stamp),
            **{name: pa.array(column) for name, column in sorted(self.selectors.items())},
        }
        return pa.table(events), pa.table(orders)


def events_table(batch: OrderBatch) -> EventsTable:
    """The events table of a prepared batch (its kept events and the plan's matches)."""
    type_codes: dict[str, int] = {}
    unit_codes: dict[str, int] = {}

    def unit_code(unit: str | None) -> int:
        return -1 if unit is None else unit_codes.setdefault(unit, len(unit_codes))

    order: list[int] = []
    position: list[int] = []
    index: list[int] = []
    kind: list[int] = []
    at: list[int] = []
    unit: list[int] = []
    handling: list[int] = []
    patterns: dict[str, list[int]] = {}
    for i, (view, match) in enumerate(zip(batch.views, batch.matches, strict=True)):
        base = len(order)
        for k, event in enumerate(view.kept):
            order.append(i)
            position.append(k)
            index.append(view.indices[k])
            kind.append(type_codes.setdefault(event.type, len(type_codes)))
            at.append(to_us(event.at))
            unit.append(unit_code(event.unit))
            handling.append(unit_code(view.handling[k]))
        for name, found in match.events.items():
            patterns.setdefault(name, []).extend(base + k for k in found)
    n = len(order)
    pattern_columns = {}
    for _type, named in batch.plan.event_predicates.items():
        for name, _test in named:
            column = np.zeros(n, dtype=bool)
            column[np.asarray(patterns.get(name, []), dtype=np.int64)] = True
            pattern_columns[name] = column
    selectors = {
        name: np.fromiter((name in m.selectors for m in batch.matches), dtype=bool)
        for name, _test in batch.plan.selector_predicates
    }
    return EventsTable(
        order=np.asarray(order, dtype=np.int64),
        position=np.asarray(position, dtype=np.int64),
        event=np.asarray(index, dtype=np.int64),
        type=np.asarray(kind, dtype=np.int32),
        at_us=np.asarray(at, dtype=np.int64),
        unit=np.asarray(unit, dtype=np.int32),
        handling=np.asarray(handling, dtype=np.int32),
        patterns=pattern_columns,
        types=tuple(type_codes),
        units=tuple(unit_codes),
        order_id=tuple(o.id for o in batch.orders),
        received_us=np.asarray([to_us(o.received_at) for o in batch.orders], dtype=np.int64),
        as_of_us=np.asarray([to_us(t) for t in batch.instants], dtype=np.int64),
        selectors=selectors,
    )
