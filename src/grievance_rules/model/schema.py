"""The JSON Schema of a work order, for developers embedding the library elsewhere.

Example:
    >>> schema = work_order_schema()
    >>> schema["title"], sorted(schema["$defs"])[:3]
    ('WorkOrder', ['BuckPassingFound', 'Callback', 'CallbackMethod'])
"""

from __future__ import annotations

from typing import Any, Literal

from grievance_rules.model.order import WorkOrder

__all__ = ["SCHEMA_DIALECT", "work_order_schema"]

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
"""The JSON Schema dialect the schema is written in."""


def work_order_schema(
    mode: Literal["validation", "serialization"] = "validation",
) -> dict[str, Any]:
    """The JSON Schema of :class:`~grievance_rules.model.WorkOrder`.

    Args:
        mode: ``validation`` describes what is accepted (defaults may be left out);
            ``serialization`` what :meth:`WorkOrder.to_fact` writes (every key present).
    """
    schema = WorkOrder.model_json_schema(mode=mode)
    return {"$schema": SCHEMA_DIALECT, **schema}
