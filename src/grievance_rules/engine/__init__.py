"""The engine: a pack's declarations run on durable-rules over an order's history.

* :func:`evaluate` — one order under one pack at ``as_of``: an :class:`Assessment`.
* :func:`evaluate_many` — a stream of orders in bounded memory, every input
  accounted for (assessed or rejected with reasons), optionally over processes.
* :func:`evaluate_periods` — a pack's period rules and rankings over assessments.
* :class:`RepeatIndex` — other orders' keys, for repeat conditions across orders.

``grievance_rules.engine._durable`` is the one module that talks to durable-rules;
everything else goes through its adapter.

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
    DataWarning,
    DeductionFinding,
    EscalationFinding,
    RecordFinding,
    Rejection,
    WindowFinding,
)
from grievance_rules.engine.evaluate import BatchResult, evaluate, evaluate_many
from grievance_rules.engine.periods import (
    Period,
    PeriodFinding,
    PeriodTally,
    evaluate_periods,
    period_of,
)
from grievance_rules.engine.repeats import RepeatIndex

__all__ = [
    "Assessment",
    "BatchResult",
    "ClockFinding",
    "DataWarning",
    "DeductionFinding",
    "EscalationFinding",
    "Period",
    "PeriodFinding",
    "PeriodTally",
    "RecordFinding",
    "Rejection",
    "RepeatIndex",
    "WindowFinding",
    "evaluate",
    "evaluate_many",
    "evaluate_periods",
    "period_of",
]
