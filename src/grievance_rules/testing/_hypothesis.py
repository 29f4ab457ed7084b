"""The hypothesis entry point: ``st.from_type`` for work orders, units and events.

hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, through the
``hypothesis`` entry point grievance-rules declares. The hook only registers:
it imports the model classes (the keys of the registry), and the strategies
module and the engine not at all; each strategy is built when ``st.from_type``
first resolves its type.

Example:
    >>> from hypothesis import Phase, find, settings, strategies as st
    >>> from grievance_rules.model import WorkOrder
    >>> simplest = settings(database=None, max_examples=1, phases=[Phase.generate])
    >>> find(st.from_type(WorkOrder), lambda o: True, settings=simplest).id
    '000000'
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hypothesis.strategies import SearchStrategy

__all__: list[str] = []


def _work_orders(_: type[Any]) -> SearchStrategy[Any]:
    from grievance_rules.testing.strategies import work_orders

    return work_orders()


def _units(_: type[Any]) -> SearchStrategy[Any]:
    from grievance_rules.testing.strategies import units

    return units()


def _events(of: type[Any]) -> SearchStrategy[Any]:
    from grievance_rules.testing.strategies import events

    kind = of.model_fields["type"].default
    return events(kind if isinstance(kind, str) else None)


def _hypothesis_setup_hook() -> None:
    """Register the strategies of :mod:`grievance_rules.testing.strategies` by type.

    ``WorkOrder`` draws :func:`~grievance_rules.testing.strategies.work_orders`,
    ``Unit`` :func:`~grievance_rules.testing.strategies.units`, ``EventBase``
    any event and each event class (``Replied``, ``Callback`` ...) its own kind.
    """
    from hypothesis import strategies as st

    from grievance_rules.model import Unit, WorkOrder
    from grievance_rules.model.events import EVENT_CLASSES, EventBase

    st.register_type_strategy(WorkOrder, _work_orders)
    st.register_type_strategy(Unit, _units)
    st.register_type_strategy(EventBase, _events)
    for cls in EVENT_CLASSES.values():
        st.register_type_strategy(cls, _events)
