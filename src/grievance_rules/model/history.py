"""Whether an order's history is coherent: contradictions are reported, never repaired.

:func:`check_history` returns every issue it finds as a :class:`HistoryIssue`
(code, event index, field path, message); nothing is changed. Each code has a
fixed :class:`Severity`:

* **error** — the history cannot be right as given; a reader rejects the record:
  ``duplicate_unit``, ``unknown_unit``, ``duplicate_event_id``,
  ``event_before_received``, ``dispatched_before_received``,
  ``deadline_before_received``, ``out_of_order`` (events must be in time order;
  equal instants keep their given order), ``deadline_before_event``,
  ``unit_not_reached`` (a handling unit acts before the order was dispatched,
  reassigned, sent for redo or put under supervision to it, and it did not take
  the order on itself by 主动承办), ``callback_before_reply``,
  ``return_decided_without_request``, ``ambiguous_return_decision``.
* **warning** — unusual, possible with partial data; the record is accepted and
  the warning reported: ``dispatched_at_mismatch``, ``extension_without_request``,
  ``event_after_closed`` (a handling unit acts after 办结 with no redo,
  reassignment or supervision in between), ``duplicate_value`` (a special kind or
  flag listed twice).

:func:`ensure_coherent` raises :class:`~grievance_rules.errors.HistoryError` on
errors, and in strict mode on warnings too.

Example:
    >>> from grievance_rules.model.order import WorkOrder
    >>> order = WorkOrder.model_validate({
    ...     "id": "A1", "channel": "12345", "category": "投诉",
    ...     "received_at": "2024-05-06T09:00:00+08:00",
    ...     "units": [{"id": "c07", "kind": "属地"}],
    ...     "events": [{"type": "callback", "at": "2024-05-06T08:00:00+08:00"},
    ...                {"type": "replied", "at": "2024-05-06T10:00:00+08:00", "unit": "c07"}]})
    >>> for issue in check_history(order):
    ...     print(issue)
    events[0].at: event at 2024-05-06T08:00:00+08:00 is before the order was received (2024-05-06T09:00:00+08:00) [event_before_received]
    events[0]: callback before any reply [callback_before_reply]
    events[1].unit: unit 'c07' acts (replied) but the order never reached it [unit_not_reached]
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from grievance_rules.errors import HistoryError
from grievance_rules.i18n import current_language
from grievance_rules.i18n import gettext as _
from grievance_rules.model.base import instant_text
from grievance_rules.model.enums import UPSTREAM_UNIT_KINDS
from grievance_rules.model.events import (
    EVENT_CLASSES,
    Continuation,
    Dispatched,
    EventBase,
    ExtensionGranted,
    ExtensionRequested,
    FirstContact,
    Reassigned,
    RedoOrdered,
    Replied,
    ReturnDecided,
    ReturnRequested,
    SignedFor,
    Supervision,
)
from grievance_rules.model.order import WorkOrder
from grievance_rules.model.units import Unit

__all__ = [
    "HANDLING_TYPES",
    "ISSUE_SEVERITY",
    "REOPENING_TYPES",
    "HistoryIssue",
    "IssueCode",
    "Severity",
    "check_history",
    "ensure_coherent",
    "stands_closed",
]


class Severity(enum.StrEnum):
    """How bad an issue is: an ``error`` rejects the record, a ``warning`` does not."""

    ERROR = "error"
    WARNING = "warning"


class IssueCode(enum.StrEnum):
    """What is wrong; see the module docstring for each code's meaning and severity."""

    DUPLICATE_UNIT = "duplicate_unit"
    UNKNOWN_UNIT = "unknown_unit"
    DUPLICATE_EVENT_ID = "duplicate_event_id"
    EVENT_BEFORE_RECEIVED = "event_before_received"
    DISPATCHED_BEFORE_RECEIVED = "dispatched_before_received"
    DEADLINE_BEFORE_RECEIVED = "deadline_before_received"
    OUT_OF_ORDER = "out_of_order"
    DEADLINE_BEFORE_EVENT = "deadline_before_event"
    UNIT_NOT_REACHED = "unit_not_reached"
    CALLBACK_BEFORE_REPLY = "callback_before_reply"
    RETURN_DECIDED_WITHOUT_REQUEST = "return_decided_without_request"
    AMBIGUOUS_RETURN_DECISION = "ambiguous_return_decision"
    DISPATCHED_AT_MISMATCH = "dispatched_at_mismatch"
    EXTENSION_WITHOUT_REQUEST = "extension_without_request"
    EVENT_AFTER_CLOSED = "event_after_closed"
    DUPLICATE_VALUE = "duplicate_value"


_WARNINGS = frozenset(
    {
        IssueCode.DISPATCHED_AT_MISMATCH,
        IssueCode.EXTENSION_WITHOUT_REQUEST,
        IssueCode.EVENT_AFTER_CLOSED,
        IssueCode.DUPLICATE_VALUE,
    }
)

ISSUE_SEVERITY: dict[IssueCode, Severity] = {
    code: Severity.WARNING if code in _WARNINGS else Severity.ERROR for code in IssueCode
}
"""The fixed severity of each issue code."""

HANDLING_TYPES = frozenset(
    cls.model_fields["type"].default
    for cls in (SignedFor, FirstContact, ReturnRequested, Replied, Continuation, ExtensionRequested)
)
"""The kinds of event by which a handling unit works the order (``event_after_closed``)."""
_OTHER_UNIT_FIELDS = {
    kind: tuple(name for name in cls.unit_fields if name != "unit")
    for kind, cls in EVENT_CLASSES.items()
}
REOPENING_TYPES = frozenset(
    cls.model_fields["type"].default for cls in (Dispatched, Reassigned, RedoOrdered, Supervision)
)
"""The kinds of event that send the order to a unit (reaching it) and reopen it after 办结."""
_STEP_KINDS = REOPENING_TYPES | {
    "replied",
    "closed",
    "callback",
    "return_requested",
    "extension_requested",
}
"""The kinds that change the state of the pass over the events (with the two classes below)."""
_STILL_CLASSES = frozenset(
    cls for cls in EVENT_CLASSES.values() if not issubclass(cls, ReturnDecided | ExtensionGranted)
)
"""Event classes that are neither a return decision nor an extension granted."""


def _plan(cls: type[EventBase], kind: str) -> tuple[str, tuple[str, ...], tuple[str, ...], bool]:
    """What the pass over the events does for an event of class ``cls`` and type ``kind``.

    ``(kind, the other unit fields to look up, its instants besides its own (its
    deadlines), whether it changes none of the pass's state)``.
    """
    still = kind not in _STEP_KINDS and cls in _STILL_CLASSES
    return kind, _OTHER_UNIT_FIELDS[kind], tuple(cls.instant_fields[1:]), still


_PLANS = {cls: _plan(cls, kind) for kind, cls in EVENT_CLASSES.items()}
"""The plan of each event class, for its own type (one lookup an event)."""


@dataclass(frozen=True, slots=True)
class HistoryIssue:
    """One thing wrong with a history.

    Attributes:
        code: what is wrong.
        event_index: the index of the event concerned, or ``None`` for the order itself.
        field: the path of the field concerned, e.g. ``events[3].to_unit``.
        message: a sentence saying what is wrong, with the values involved.
    """

    code: IssueCode
    event_index: int | None
    field: str
    message: str

    @property
    def severity(self) -> Severity:
        """The code's fixed severity."""
        return ISSUE_SEVERITY[self.code]

    def __str__(self) -> str:
        return _("{field}: {message} [{code}]").format(
            field=self.field, message=self.message, code=self.code
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON data, keys in a fixed order."""
        return {
            "code": self.code.value,
            "severity": self.severity.value,
            "event_index": self.event_index,
            "field": self.field,
            "message": self.message,
        }


def _event_type(kind: str) -> str:
    """An event type as people read it: the type itself in English, its Chinese name in Chinese."""
    if current_language() != "zh":
        return kind
    cls = EVENT_CLASSES.get(kind)
    return cls.zh if cls is not None and cls.zh else kind


class _Checker:
    """One pass over the history, collecting issues."""

    def __init__(self, order: WorkOrder) -> None:
        self.order = order
        self.issues: list[HistoryIssue] = []
        self.units: dict[str, Unit] = {}
        self.upstream: set[str] = set()
        """The ids of the units that dispatch or oversee (their first unit's kind)."""
        self.handling: set[str] = set()
        """The ids of the other units: they must be reached before they act."""

    def named(self, unit_id: str) -> str:
        """A unit of the order by id, and by name when it has one: ``'c07' (东风社区)``."""
        unit = self.units.get(unit_id)
        if unit is None or not unit.name:
            return repr(unit_id)
        return _("{unit} ({name})").format(unit=repr(unit_id), name=unit.name)

    def add(self, code: IssueCode, index: int | None, field: str, message: str) -> None:
        self.issues.append(HistoryIssue(code, index, field, message))

    def check_order(self) -> None:
        order = self.order.__dict__  # its fields (quicker to read than its attributes)
        units = self.units
        for i, unit in enumerate(order["units"]):
            unit_id = unit.id
            if unit_id in units:
                self.add(
                    IssueCode.DUPLICATE_UNIT,
                    None,
                    f"units[{i}].id",
                    _("unit id {unit} twice").format(unit=repr(unit_id)),
                )
            else:
                units[unit_id] = unit
                if unit.kind in UPSTREAM_UNIT_KINDS:
                    self.upstream.add(unit_id)
                else:
                    self.handling.add(unit_id)
        for name in ("special_kinds", "flags"):
            values = order[name]
            if len(values) < 2 or len(set(values)) == len(values):
                continue  # (most orders: nothing listed twice)
            seen: set[str] = set()
            for i, value in enumerate(values):
                if value in seen:
                    self.add(
                        IssueCode.DUPLICATE_VALUE,
                        None,
                        f"{name}[{i}]",
                        _("{value} listed twice").format(value=value),
                    )
                seen.add(value)
        received = order["received_at"]
        dispatched = order["dispatched_at"]
        if dispatched is not None and dispatched < received:
            self.add(
                IssueCode.DISPATCHED_BEFORE_RECEIVED,
                None,
                "dispatched_at",
                _("dispatched at {at}, before it was received ({received})").format(
                    at=instant_text(dispatched), received=instant_text(received)
                ),
            )
        deadline = order["reply_deadline"]
        if deadline is not None and deadline < received:
            self.add(
                IssueCode.DEADLINE_BEFORE_RECEIVED,
                None,
                "reply_deadline",
                _("reply deadline {deadline} is before the order was received ({received})").format(
                    deadline=instant_text(deadline), received=instant_text(received)
                ),
            )

    def check_events(self) -> None:
        """One pass over the events, in order: each event's checks, then what it changes.

        The common event (its units known, its id new, in time order, one instant,
        a kind that changes nothing here) takes the fewest steps, and its fields are
        read from its ``__dict__`` (where a model keeps them: an attribute of a
        pydantic model takes several times longer to read); the order of the
        checks, and so of the issues, is the order of their description above.
        """
        order = self.order.__dict__
        received = order["received_at"]
        units = self.units
        upstream = self.upstream
        handling = self.handling
        reached: set[str] = set()
        open_returns: list[str | None] = []
        extension_requests: list[str | None] = []
        event_ids: set[str] = set()
        latest: dt.datetime | None = None
        floor = received  # no issue for an event at or after max(receipt, latest event)
        replied = False
        closed = False
        first_dispatch: Dispatched | None = None
        plans = _PLANS
        handling_types = HANDLING_TYPES
        for i, event in enumerate(order["events"]):
            fields = event.__dict__
            kind = fields["type"]
            plan = plans.get(type(event))
            if plan is None or plan[0] != kind:  # a subclass, or a model made without validation
                plan = _plan(type(event), kind)
            _kind, others, deadlines, still = plan
            actor = fields["unit"]
            acts = actor in handling  # (never None: a unit's id is text)
            if not acts and actor is not None and actor not in units:
                self.unknown_unit(i, "unit", actor)
            if others:
                for name in others:
                    ref = fields[name]
                    if ref is not None and ref not in units:
                        self.unknown_unit(i, name, ref)
            event_id = fields["id"]
            if event_id is not None:
                if event_id in event_ids:
                    self.add(
                        IssueCode.DUPLICATE_EVENT_ID,
                        i,
                        f"events[{i}].id",
                        _("event id {event} twice").format(event=repr(event_id)),
                    )
                event_ids.add(event_id)
            at = fields["at"]
            if at >= floor:
                latest = floor = at
            else:
                latest = self.before_floor(i, at, received, latest)
            for name in deadlines:  # (most are after the event: no call for them)
                deadline = fields[name]
                if deadline is not None and deadline < at:
                    self.check_deadlines(i, event)
                    break

            if acts and actor not in reached:
                if kind == "proactive_handling":
                    reached.add(actor)
                else:
                    self.add(
                        IssueCode.UNIT_NOT_REACHED,
                        i,
                        f"events[{i}].unit",
                        _("unit {unit} acts ({type}) but the order never reached it").format(
                            unit=self.named(actor), type=_event_type(kind)
                        ),
                    )
            if closed and kind in handling_types and actor not in upstream:
                self.add(
                    IssueCode.EVENT_AFTER_CLOSED,
                    i,
                    f"events[{i}]",
                    _(
                        "{type} after the order was closed, with no redo, "
                        "reassignment or supervision in between"
                    ).format(type=_event_type(kind)),
                )

            if still:
                continue  # an event that changes none of the state below
            if kind in REOPENING_TYPES:
                closed = False
                target = fields.get("to_unit")
                if target is not None:
                    reached.add(target)
                if first_dispatch is None and isinstance(event, Dispatched):
                    first_dispatch = event
            elif kind == "replied":
                replied = True
            elif kind == "closed":
                closed = True
            elif kind == "callback":
                if not replied:
                    self.add(
                        IssueCode.CALLBACK_BEFORE_REPLY,
                        i,
                        f"events[{i}]",
                        _("callback before any reply"),
                    )
            elif kind == "return_requested":
                open_returns.append(actor)
            elif isinstance(event, ReturnDecided):
                self.decide_return(i, event, open_returns)
            elif kind == "extension_requested":
                extension_requests.append(actor)
            elif isinstance(event, ExtensionGranted):
                self.grant_extension(i, event, extension_requests)

        dispatched = order["dispatched_at"]
        if (
            dispatched is not None
            and first_dispatch is not None
            and first_dispatch.at != dispatched
        ):
            self.add(
                IssueCode.DISPATCHED_AT_MISMATCH,
                None,
                "dispatched_at",
                _("dispatched_at {at} differs from the first dispatched event ({first})").format(
                    at=instant_text(dispatched), first=instant_text(first_dispatch.at)
                ),
            )

    def before_floor(
        self, i: int, at: dt.datetime, received: dt.datetime, latest: dt.datetime | None
    ) -> dt.datetime | None:
        """An event before receipt or before the latest event: its issues; the new latest."""
        if at < received:
            self.add(
                IssueCode.EVENT_BEFORE_RECEIVED,
                i,
                f"events[{i}].at",
                _("event at {at} is before the order was received ({received})").format(
                    at=instant_text(at), received=instant_text(received)
                ),
            )
        if latest is not None and at < latest:
            self.add(
                IssueCode.OUT_OF_ORDER,
                i,
                f"events[{i}].at",
                _(
                    "event at {at} comes after an event at {latest}; events must be in time order"
                ).format(at=instant_text(at), latest=instant_text(latest)),
            )
            return latest
        return at

    def unknown_unit(self, i: int, name: str, ref: str) -> None:
        self.add(
            IssueCode.UNKNOWN_UNIT,
            i,
            f"events[{i}].{name}",
            _("unit {unit} is not among the order's units").format(unit=repr(ref)),
        )

    def check_deadlines(self, i: int, event: EventBase) -> None:
        fields = event.__dict__
        at = fields["at"]
        for name in type(event).instant_fields[1:]:
            value = fields[name]
            if value is not None and value < at:
                self.add(
                    IssueCode.DEADLINE_BEFORE_EVENT,
                    i,
                    f"events[{i}].{name}",
                    _("{field} {at} is before the event itself ({event_at})").format(
                        field=name, at=instant_text(value), event_at=instant_text(at)
                    ),
                )

    def grant_extension(
        self, i: int, event: ExtensionGranted, extension_requests: list[str | None]
    ) -> None:
        wanted = event.for_unit
        if wanted is None and extension_requests:
            extension_requests.pop(0)
        elif wanted is not None and wanted in extension_requests:
            extension_requests.remove(wanted)
        else:
            self.add(
                IssueCode.EXTENSION_WITHOUT_REQUEST,
                i,
                f"events[{i}]",
                _("extension granted with no open extension request from {unit}").format(
                    unit=self.named(wanted)
                )
                if wanted
                else _("extension granted with no open extension request"),
            )

    def decide_return(self, i: int, event: ReturnDecided, open_returns: list[str | None]) -> None:
        where = f"events[{i}]"
        if event.requester is not None:
            if event.requester in open_returns:
                open_returns.remove(event.requester)
                return
            self.add(
                IssueCode.RETURN_DECIDED_WITHOUT_REQUEST,
                i,
                f"{where}.requester",
                _("return decided for {unit}, which has no undecided return request").format(
                    unit=self.named(event.requester)
                ),
            )
        elif not open_returns:
            self.add(
                IssueCode.RETURN_DECIDED_WITHOUT_REQUEST,
                i,
                where,
                _("return decided with no undecided return request"),
            )
        elif len(open_returns) > 1:
            self.add(
                IssueCode.AMBIGUOUS_RETURN_DECISION,
                i,
                f"{where}.requester",
                _("{count} return requests are undecided; name the requester").format(
                    count=len(open_returns)
                ),
            )
        else:
            open_returns.clear()


def stands_closed(events: Sequence[EventBase]) -> bool:
    """Whether an order stands closed: a 办结 no event has put back in hand since.

    Those that do: a dispatch, a reassignment, a redo or a supervision after the
    ``closed`` event.

    Example:
        >>> from grievance_rules.model.events import Closed, RedoOrdered
        >>> import datetime as dt
        >>> t = dt.datetime(2025, 1, 6, 9, tzinfo=dt.timezone(dt.timedelta(hours=8)))
        >>> closed = Closed(type="closed", at=t)
        >>> redo = RedoOrdered(type="redo_ordered", at=t + dt.timedelta(days=1), level="street")
        >>> stands_closed([closed]), stands_closed([closed, redo])
        (True, False)
    """
    closed = False
    for event in sorted(events, key=lambda e: e.at):  # (stable: equal instants as given)
        kind = event.type
        if kind == "closed":
            closed = True
        elif kind in REOPENING_TYPES:
            closed = False
    return closed


def check_history(order: WorkOrder) -> tuple[HistoryIssue, ...]:
    """Every issue in the order's history, errors and warnings, in the order found.

    Nothing is repaired: the order is read, not changed.
    """
    checker = _Checker(order)
    checker.check_order()
    first_of_events = len(checker.issues)
    checker.check_events()
    return tuple(_one_misdated_event(order, checker.issues, first_of_events))


def _one_misdated_event(
    order: WorkOrder, issues: list[HistoryIssue], first_of_events: int
) -> list[HistoryIssue]:
    """The issues, an event dated after every later event said once, on that event.

    One event dated too late (2030 for 2025) puts every later event "out of order";
    when taking that one event out leaves the rest in time order, it alone is named.
    """
    late = [issue for issue in issues if issue.code is IssueCode.OUT_OF_ORDER]
    if len(late) < 2:
        return issues
    times = [event.at for event in order.events]
    first = late[0].event_index
    assert first is not None
    j = max(range(first), key=times.__getitem__)  # the running maximum there: the suspect
    rest = times[:j] + times[j + 1 :]
    if times[-1] >= times[j] or any(b < a for a, b in pairwise(rest)):
        return issues  # (the rest in order: the last event is the latest of them)
    after = len(times) - j - 1
    single = HistoryIssue(
        IssueCode.OUT_OF_ORDER,
        j,
        f"events[{j}].at",
        _(
            "event at {at} comes after all {count} events after it (the last at {last}); "
            "events must be in time order: is its date wrong?"
        ).format(at=instant_text(times[j]), count=after, last=instant_text(times[-1])),
    )
    kept = [
        (n, issue) for n, issue in enumerate(issues) if issue.code is not IssueCode.OUT_OF_ORDER
    ]
    # in event order: after the issues of the order and of the events up to j, before
    # those of later events and before the order's own issues found after the events
    at = next(
        (
            k
            for k, (n, issue) in enumerate(kept)
            if n >= first_of_events and (issue.event_index is None or issue.event_index > j)
        ),
        len(kept),
    )
    kept_issues = [issue for _n, issue in kept]
    return [*kept_issues[:at], single, *kept_issues[at:]]


def ensure_coherent(order: WorkOrder, *, strict: bool = False) -> tuple[HistoryIssue, ...]:
    """Check the history and raise if it is not coherent.

    Args:
        order: the order.
        strict: raise on warnings too.

    Returns:
        The warnings (empty in strict mode, which raises on any issue).

    Raises:
        HistoryError: an error-severity issue was found (any issue, when strict).

    Example:
        >>> from grievance_rules.model.order import WorkOrder
        >>> order = WorkOrder.model_validate({
        ...     "id": "A2", "channel": "app", "category": "求助",
        ...     "received_at": "2024-05-06T09:00:00+08:00",
        ...     "events": [{"type": "return_decided", "at": "2024-05-06T10:00:00+08:00",
        ...                 "decision": "refused"}]})
        >>> ensure_coherent(order)
        Traceback (most recent call last):
        ...
        grievance_rules.errors.HistoryError: order A2: 1 history issue: events[0]: return decided with no undecided return request [return_decided_without_request]
    """  # noqa: E501
    issues = check_history(order)
    if strict:
        if issues:
            raise HistoryError(order.id, issues)
        return ()
    errors = tuple(issue for issue in issues if issue.severity is Severity.ERROR)
    if errors:
        raise HistoryError(order.id, errors)
    return tuple(issue for issue in issues if issue.severity is Severity.WARNING)
