"""The work-order model: one canonical, jurisdiction-neutral 12345 order and its history.

* :mod:`~grievance_rules.model.terms` — enumerations that know their Chinese term.
* :mod:`~grievance_rules.model.enums` — channel, category, urgency, unit kinds ...
* :mod:`~grievance_rules.model.base` — immutable models and timezone-aware instants.
* :mod:`~grievance_rules.model.units` — units and their leaders.
* :mod:`~grievance_rules.model.events` — the events of an order's life.
* :mod:`~grievance_rules.model.order` — the order itself.
* :mod:`~grievance_rules.model.history` — coherence checks: contradictions reported.
* :mod:`~grievance_rules.model.schema` — the JSON Schema.

See ``docs/model.md`` and ``docs/glossary.md``.

Example:
    >>> from grievance_rules.model import WorkOrder, check_history
    >>> order = WorkOrder.model_validate_json(
    ...     '{"id": "1", "channel": "省级热线", "category": "举报",'
    ...     ' "received_at": "2024-05-06T09:00:00+08:00"}')
    >>> order.channel, check_history(order)
    (<Channel.PROVINCIAL_HOTLINE: 'provincial_hotline'>, ())
"""

from __future__ import annotations

from grievance_rules.model.base import FrozenModel, Instant, in_shanghai, instant_text
from grievance_rules.model.enums import (
    CallbackMethod,
    Category,
    Channel,
    ClosureOutcome,
    ContactMethod,
    EscalationReason,
    EvidenceKind,
    LeaderRole,
    OrderFlag,
    RedoLevel,
    ReplyKind,
    ReturnDecision,
    Satisfaction,
    SpecialKind,
    StrikeScope,
    SupervisionLevel,
    SupervisionMode,
    SupervisionReason,
    Trust,
    UnitKind,
    Urgency,
)
from grievance_rules.model.events import (
    EVENT_CLASSES,
    EVENT_TYPES,
    BuckPassingFound,
    Callback,
    Closed,
    Continuation,
    Dispatched,
    Escalated,
    Event,
    EventBase,
    Evidence,
    Excluded,
    ExtensionGranted,
    ExtensionRequested,
    ExternalDeduction,
    FirstContact,
    ProactiveHandling,
    Reassigned,
    RedoOrdered,
    Referred,
    Replied,
    ReplyReviewed,
    ReturnDecided,
    ReturnRequested,
    SignedFor,
    StruckOff,
    Supervision,
)
from grievance_rules.model.history import (
    ISSUE_SEVERITY,
    HistoryIssue,
    IssueCode,
    Severity,
    check_history,
    ensure_coherent,
)
from grievance_rules.model.order import Location, WorkOrder
from grievance_rules.model.schema import work_order_schema
from grievance_rules.model.terms import TermEnum
from grievance_rules.model.units import Unit, UnitId

__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "ISSUE_SEVERITY",
    "BuckPassingFound",
    "Callback",
    "CallbackMethod",
    "Category",
    "Channel",
    "Closed",
    "ClosureOutcome",
    "ContactMethod",
    "Continuation",
    "Dispatched",
    "Escalated",
    "EscalationReason",
    "Event",
    "EventBase",
    "Evidence",
    "EvidenceKind",
    "Excluded",
    "ExtensionGranted",
    "ExtensionRequested",
    "ExternalDeduction",
    "FirstContact",
    "FrozenModel",
    "HistoryIssue",
    "Instant",
    "IssueCode",
    "LeaderRole",
    "Location",
    "OrderFlag",
    "ProactiveHandling",
    "Reassigned",
    "RedoLevel",
    "RedoOrdered",
    "Referred",
    "Replied",
    "ReplyKind",
    "ReplyReviewed",
    "ReturnDecided",
    "ReturnDecision",
    "ReturnRequested",
    "Satisfaction",
    "Severity",
    "SignedFor",
    "SpecialKind",
    "StrikeScope",
    "StruckOff",
    "Supervision",
    "SupervisionLevel",
    "SupervisionMode",
    "SupervisionReason",
    "TermEnum",
    "Trust",
    "Unit",
    "UnitId",
    "UnitKind",
    "Urgency",
    "WorkOrder",
    "check_history",
    "ensure_coherent",
    "in_shanghai",
    "instant_text",
    "work_order_schema",
]
