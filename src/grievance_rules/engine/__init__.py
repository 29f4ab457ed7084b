"""The engine: a pack compiled once into a plan, run over an order's history.

* :func:`compile_pack` — a pack's :class:`PackPlan`: predicates, rules by kind,
  parameters per date; :func:`plan_for` finds (and keeps) the plan of a pack or name.
* :func:`evaluate` — one order under one pack at ``as_of``: an :class:`Assessment`.
* :func:`evaluate_many` — a stream of orders in bounded memory, every input
  accounted for (assessed or rejected with reasons), optionally over processes;
  :func:`evaluate_each` — the same under several packs at once.
* :func:`evaluate_periods` — a pack's period rules and rankings over assessments.
* :class:`RepeatIndex` — other orders' keys, for repeat conditions across orders.

Matching (which events each event reference selects) has two backends with one
semantics: ``native`` (compiled predicates, pure Python, the default everywhere)
and ``durable`` (durable-rules, ``pip install 'grievance-rules[durable]'`` on
Python 3.11–3.12), chosen with ``engine=``. ``grievance_rules.engine._durable`` is
the one module that talks to durable-rules.

Example:
    >>> import datetime as dt
    >>> from grievance_rules.engine import evaluate
    >>> from grievance_rules.model import WorkOrder
    >>> order = WorkOrder.model_validate({
    ...     "id": "B7", "channel": "provincial_hotline", "category": "投诉",
    ...     "received_at": "2024-05-06T09:00:00+08:00",
    ...     "units": [{"id": "dzb", "kind": "dispatch_centre"},
    ...               {"id": "c07", "kind": "village_community"}],
    ...     "events": [
    ...         {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00",
    ...          "unit": "dzb", "to_unit": "c07"},
    ...         {"type": "replied", "at": "2024-05-09T10:00:00+08:00", "unit": "c07"}]})
    >>> a = evaluate(order, "chengdong")
    >>> [(c.rule_id, c.state) for c in a.clocks]
    [('CD-5.provincial-urgent', 'breached')]
    >>> [(d.rule_id, d.points, d.unit) for d in a.deductions]
    [('CD-A2.1.overdue', -1.0, 'c07')]
"""

from grievance_rules.engine.assessment import (
    Assessment,
    ClockFinding,
    ClockPause,
    DataWarning,
    DeductionFinding,
    EscalationFinding,
    RecordFinding,
    Rejection,
    WindowFinding,
)
from grievance_rules.engine.batch import BatchResult, evaluate_each, evaluate_many
from grievance_rules.engine.matching import ENGINES, EngineName
from grievance_rules.engine.periods import (
    Period,
    PeriodFinding,
    PeriodTally,
    evaluate_periods,
    period_of,
)
from grievance_rules.engine.plan import PackPlan, compile_pack, loaded_pack, plan_for
from grievance_rules.engine.repeats import RepeatIndex
from grievance_rules.engine.single import evaluate

__all__ = [
    "ENGINES",
    "Assessment",
    "BatchResult",
    "ClockFinding",
    "ClockPause",
    "DataWarning",
    "DeductionFinding",
    "EngineName",
    "EscalationFinding",
    "PackPlan",
    "Period",
    "PeriodFinding",
    "PeriodTally",
    "RecordFinding",
    "Rejection",
    "RepeatIndex",
    "WindowFinding",
    "compile_pack",
    "evaluate",
    "evaluate_each",
    "evaluate_many",
    "evaluate_periods",
    "loaded_pack",
    "period_of",
    "plan_for",
]
