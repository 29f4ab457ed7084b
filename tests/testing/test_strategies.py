import subprocess
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.model import UnitKind, WorkOrder, check_history
from grievance_rules.testing.strategies import instants, units, work_order_records, work_orders


def test_package_init_is_light():
    code = "import sys, grievance_rules.testing; print('hypothesis' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


@settings(max_examples=50, deadline=None, database=None)
@given(work_orders())
def test_orders_are_valid_and_coherent(order):
    assert isinstance(order, WorkOrder)
    assert check_history(order) == ()
    assert order.events[0].type == "dispatched"


@settings(max_examples=30, deadline=None, database=None)
@given(work_order_records())
def test_records_validate(rec):
    assert WorkOrder.model_validate(rec).id == rec["id"]


@settings(max_examples=30, deadline=None, database=None)
@given(instants())
def test_instants_are_aware(instant):
    assert instant.utcoffset() is not None


@settings(max_examples=20, deadline=None, database=None)
@given(st.booleans().flatmap(lambda up: units("x", upstream=up).map(lambda u: (up, u))))
def test_units_kind_matches(pair):
    upstream, unit = pair
    assert unit.kind.is_upstream is upstream
    assert isinstance(unit.kind, UnitKind)
