"""Telling a second record of an order id apart: the one decision every batch path takes.

A batch remembers each order id it has assessed so that a second record of the same
id is rejected (naming the first) or, with ``duplicates="last"``, so that only the
last record of an id is assessed. :class:`DuplicateIds` holds that memory;
:func:`input_id` reads the id an input claims without validating it, and
:func:`last_positions` is the first pass of ``duplicates="last"``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder

__all__ = ["DuplicateIds", "Duplicates", "input_id", "last_positions"]


Duplicates = Literal["reject", "last", "allow"]
"""What a batch does with a second input of an order id already seen: ``reject`` it
(naming the first), keep the ``last`` (the earlier ones are rejected as replaced), or
``allow`` it (every input assessed: for a caller that tells them apart itself)."""


class DuplicateIds:
    """Tells a second record of an order id apart: the one decision every batch path takes.

    Example:
        >>> seen = DuplicateIds("reject")
        >>> seen.reason("A", 0, "#0"), seen.reason("A", 1, "#1")
        (None, "id: duplicate order id 'A' (first at #0)")
        >>> DuplicateIds("last", {"A": 2}).reason("A", 0, "#0")
        "id: order id 'A' replaced by a later input (#2)"
    """

    def __init__(self, duplicates: Duplicates, last: Mapping[str, int] | None = None) -> None:
        self.duplicates = duplicates
        self.last = last or {}
        self.first: dict[str, str] = {}
        """Each id assessed so far → where its first record was."""

    def reason(self, order_id: str, position: int, where: str) -> str | None:
        """Why the record of ``order_id`` at ``position`` (``where``) is rejected, if it is."""
        if self.duplicates == "allow":
            return None
        later = self.last.get(order_id, position) if self.duplicates == "last" else position
        if later != position:
            return _("id: order id {order_id} replaced by a later input (#{later})").format(
                order_id=repr(order_id), later=later
            )
        first = self.first.get(order_id)
        if first is not None:
            return _("id: duplicate order id {order_id} (first at {first})").format(
                order_id=repr(order_id), first=first
            )
        self.first[order_id] = where
        return None


def input_id(item: Any) -> str | None:
    """The order id an input claims, read without validating it (``None``: none to read)."""
    order = getattr(item, "order", item)  # a reader's accepted record carries its order
    if isinstance(order, WorkOrder):
        return order.id
    if isinstance(item, str | bytes):
        try:
            item = json.loads(item)
        except ValueError:
            return None
    if isinstance(item, Mapping):
        found = item.get("id")
        return found if isinstance(found, str) else None
    found = getattr(item, "order_id", None)  # a reader's rejected record
    return found if isinstance(found, str) else None


def last_positions(items: Iterable[Any]) -> dict[str, int]:
    """Each order id's last position among the inputs (the first pass of ``duplicates='last'``).

    Example:
        >>> last_positions([{"id": "a"}, '{"id": "b"}', {"id": "a"}, "{no"])
        {'a': 2, 'b': 1}
    """
    last: dict[str, int] = {}
    for position, item in enumerate(items):
        order_id = input_id(item)
        if order_id is not None:
            last[order_id] = position
    return last
