"""Fixtures shared by the tests of several packages."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import pytest


@pytest.fixture
def collector() -> Iterator[None]:
    """The cyclic garbage collector's state restored after the test, whatever it did."""
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.fixture
def history_checks(monkeypatch: pytest.MonkeyPatch) -> Callable[[ModuleType], list[str]]:
    """Watch a module's history checks: the ids of the orders its ``ensure_coherent`` checks.

    ``history_checks(module)`` wraps the module's ``ensure_coherent`` (still checking)
    and gives the list it appends each checked order's id to, in turn.
    """

    def watch(module: ModuleType) -> list[str]:
        checked: list[str] = []
        ensure = module.ensure_coherent

        def counted(order: Any) -> None:
            checked.append(order.id)
            ensure(order)

        monkeypatch.setattr(module, "ensure_coherent", counted)
        return checked

    return watch
