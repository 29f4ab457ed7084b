"""``st.from_type`` for the model, through hypothesis' entry point."""

import importlib.metadata
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.model import Unit, WorkOrder, check_history
from grievance_rules.model.events import Callback, EventBase, Replied

SETTINGS = settings(max_examples=30, deadline=None, database=None)


def test_the_hook_is_declared_as_a_hypothesis_entry_point():
    (entry,) = [
        e
        for e in importlib.metadata.entry_points(group="hypothesis")
        if e.name == "grievance_rules"
    ]
    assert entry.value == "grievance_rules.testing._hypothesis:_hypothesis_setup_hook"
    assert callable(entry.load())


@SETTINGS
@given(st.from_type(WorkOrder))
def test_from_type_work_order_yields_valid_coherent_orders(order):
    assert isinstance(order, WorkOrder)
    assert check_history(order) == ()
    assert order.events[0].type in ("dispatched", "proactive_handling")


@SETTINGS
@given(st.from_type(Replied), st.from_type(Callback), st.from_type(Unit))
def test_from_type_event_classes_yield_their_own_kind(replied, callback, unit):
    assert type(replied) is Replied
    assert type(callback) is Callback
    assert isinstance(unit, Unit)


@SETTINGS
@given(st.lists(st.from_type(EventBase), min_size=1, max_size=3))
def test_from_type_event_base_yields_events(drawn):
    assert all(isinstance(event, EventBase) and type(event) is not EventBase for event in drawn)


@pytest.mark.slow
def test_importing_hypothesis_registers_without_importing_the_strategies_or_engine():
    code = (
        "import sys\n"
        "from hypothesis import strategies as st\n"
        "heavy = ('grievance_rules.testing.strategies', 'grievance_rules.engine', 'durable')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from grievance_rules.model import WorkOrder\n"
        "print(repr(st.from_type(WorkOrder)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    heavy, strategy = done.stdout.splitlines()
    assert heavy == "[]"
    assert strategy.startswith("work_order_records()")


@pytest.mark.slow
def test_importing_hypothesis_imports_nothing_of_the_model_until_it_is_imported():
    # hypothesis's pytest plugin imports hypothesis at the end of every test run: the hook
    # imported the model (pydantic, numpy: 350 ms) into unrelated projects' runs
    code = (
        "import sys\n"
        "import hypothesis\n"
        "from hypothesis import strategies as st\n"
        "heavy = ('grievance_rules.model', 'pydantic', 'numpy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
        "from grievance_rules.model import WorkOrder\n"
        "from grievance_rules.model.events import Replied\n"
        "from hypothesis import find, settings, Phase\n"
        "simplest = settings(database=None, max_examples=1, phases=[Phase.generate])\n"
        "print(type(find(st.from_type(Replied), lambda e: True, settings=simplest)).__name__)\n"
        "print(find(st.from_type(WorkOrder), lambda o: True, settings=simplest).id)\n"
        "print([f for f in sys.meta_path if type(f).__name__ == '_RegisterWithModel'])\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.splitlines() == ["[]", "Replied", "000000", "[]"]
