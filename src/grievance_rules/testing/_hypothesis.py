"""The hypothesis entry point: ``st.from_type`` for work orders, units and events.

hypothesis calls :func:`_hypothesis_setup_hook` when it is imported, through the
``hypothesis`` entry point grievance-rules declares, in every environment where
grievance-rules is installed (hypothesis's own pytest plugin imports hypothesis at
the end of any test run). So the hook imports nothing: when the model is already
imported it registers the model classes (the keys of the registry); otherwise it
registers them the moment the model is first imported (a finder on ``sys.meta_path``
that wraps the model package's loader, then leaves). A test run that never touches
the model never imports it, pydantic or numpy (350 ms it paid before). The
strategies module and the engine are not imported either: each strategy is built
when ``st.from_type`` first resolves its type.

Example:
    >>> from hypothesis import Phase, find, settings, strategies as st
    >>> from grievance_rules.model import WorkOrder
    >>> simplest = settings(database=None, max_examples=1, phases=[Phase.generate])
    >>> find(st.from_type(WorkOrder), lambda o: True, settings=simplest).id
    '000000'
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType
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


_MODEL = "grievance_rules.model"


def _hypothesis_setup_hook() -> None:
    """Register the strategies by type: now if the model is imported, else when it is."""
    if _MODEL in sys.modules:
        _register()
    elif not any(isinstance(finder, _RegisterWithModel) for finder in sys.meta_path):
        sys.meta_path.insert(0, _RegisterWithModel())


class _RegisterWithModel(importlib.abc.MetaPathFinder):
    """Registers the strategies once the model package has been imported, then leaves."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname != _MODEL:
            return None
        spec = importlib.machinery.PathFinder.find_spec(fullname, path)
        if spec is None or spec.loader is None:
            return spec
        loader = spec.loader
        execute = loader.exec_module

        def exec_module(module: ModuleType) -> None:
            execute(module)
            if self in sys.meta_path:  # (imported: the finder's work is done)
                sys.meta_path.remove(self)
            _register()

        loader.exec_module = exec_module  # type: ignore[method-assign]
        return spec


def _register() -> None:
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
