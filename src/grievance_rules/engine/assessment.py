"""What the engine says about an order: the assessment and its findings.

Every finding carries its rule id, its citation (source file, clause, quoted
text) and a trace of how it was computed. All models are frozen pydantic
models; ``Assessment.model_dump_json()`` is deterministic to the byte.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict

from grievance_rules.packs.schema import Citation

__all__ = [
    "Assessment",
    "ClockFinding",
    "ClockPause",
    "DataWarning",
    "DeductionFinding",
    "EscalationFinding",
    "RecordFinding",
    "Rejection",
    "WindowFinding",
    "assessment_json",
    "trusted",
]

_M = TypeVar("_M", bound=BaseModel)
_FIELDS: dict[type[BaseModel], tuple[tuple[str, ...], set[str]]] = {}
_set = object.__setattr__


def trusted(cls: type[_M], values: dict[str, Any]) -> _M:
    """A model built from values already of their declared types, without validation.

    What ``cls.model_construct(**values)`` builds when ``values`` names every field (the
    same ``__dict__``, in the fields' declared order, and the same fields set), at a
    fraction of its cost: the engine builds thousands of findings a second. When
    ``values`` names exactly the fields, in their declared order, the model keeps
    ``values`` itself as its ``__dict__``: pass a fresh dict, never one used again.

    Raises:
        KeyError: a field of ``cls`` is missing from ``values``.

    Example:
        >>> w = trusted(DataWarning, {"code": "c", "message": "m", "rule_id": None,
        ...                           "event_type": None})
        >>> w == DataWarning.model_construct(code="c", message="m", rule_id=None)
        True
    """
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = (tuple(cls.model_fields), set(cls.model_fields))
    names, every = found
    model = cls.__new__(cls)
    _set(model, "__dict__", values if tuple(values) == names else {n: values[n] for n in names})
    # one set of every field for all the models of a class: the models are frozen, and
    # pydantic copies the set before it adds to it (``model_copy``), so it never changes
    _set(model, "__pydantic_fields_set__", every)
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


class _Finding(BaseModel):
    model_config = ConfigDict(frozen=True)

    rule_id: str
    title: str
    citation: Citation
    trace: tuple[str, ...] = ()
    """How it was computed, step by step: events counted, days skipped."""


class ClockPause(BaseModel):
    """A time a clock stood still: from a pause event to the event that ended the pause.

    The pause's clock time (office time where the calendar has office hours) was added
    to the period, and the due instant moved by it (the trace says to what).
    """

    model_config = ConfigDict(frozen=True)

    begin: dt.datetime
    """When the pause began: the instant of its begin event."""
    begin_event: int
    """Index in the order's history of the event that began the pause."""
    end: dt.datetime
    """When the pause ended, as the clock counted it: its end event's instant, else the
    clock's stop (stopped while paused) or ``as_of`` (still paused)."""
    end_event: int | None
    """Index in the order's history of the event that ended the pause; ``None``: none
    had ended it by the clock's stop or by ``as_of``."""


class ClockFinding(_Finding):
    """A deadline and where it stands at ``as_of``.

    ``state``: ``running`` (not stopped, not yet due), ``paused`` (standing still,
    e.g. while a return is pending), ``met`` (stopped in time), ``breached``
    (stopped late, or not stopped and past due).
    """

    occurrence: int
    """0 for the first clock of the rule on this order; 1, 2 ... for later ones."""
    start: dt.datetime
    start_event: int | None
    due: dt.datetime
    stopped_at: dt.datetime | None
    stop_event: int | None
    state: Literal["running", "paused", "met", "breached"]
    warning_level: str | None
    elapsed_fraction: float
    unit: str | None
    """The unit the clock runs against (charged if it is breached)."""
    provisional: bool
    """The due instant depends on a day no holiday notice has set yet."""
    skipped_days: tuple[str, ...] = ()
    """Days the period passed over, each with its reason."""
    pauses: tuple[ClockPause, ...] = ()
    """The times the clock stood still: one for each ``paused from event ...`` line of the
    trace, in the same order."""


class WindowFinding(_Finding):
    """An action taken within, or after, the time it was allowed in."""

    event: int
    """Index of the action event in the order's history."""
    opened_at: dt.datetime
    closes_at: dt.datetime
    acted_at: dt.datetime
    state: Literal["within", "late"]
    consequence: str
    unit: str | None


class DeductionFinding(_Finding):
    """Points charged to a unit for one occurrence (negative: deducted)."""

    points: float
    unit: str | None
    occurred_at: dt.datetime
    occurrence: str
    """What was counted: ``event 4``, ``clock CD-5.reply#0``, ``window ...``."""
    sequence: int = 1
    """1 for the first occurrence of this rule on the order, 2 for the second ..."""


class EscalationFinding(_Finding):
    """An escalation due: who acts, on whom, since when."""

    action: str
    actor_role: str | None
    actor_body: str | None
    actor_unit: str | None = None
    """The unit that acts, found as the pack's actor says (its ``dispatch_centre``, the
    ``handling_unit`` ...), as :attr:`target_unit` is; ``None``: the actor is no unit of
    the order (``unit: none``, a body such as 街道纪工委), or the order has no such unit."""
    target_unit: str | None
    target_role: str | None
    target_body: str | None = None
    since: dt.datetime
    """When the condition first held."""


class RecordFinding(_Finding):
    """A clause recorded, not computed; with whatever part of it could be computed."""

    not_computed: str
    computed: bool | None
    """Whether the computable part (``when``) holds for this order; ``None``: the
    rule computes nothing (its finding says only that the clause applies)."""


class DataWarning(BaseModel):
    """Something about the data that limits the assessment."""

    model_config = ConfigDict(frozen=True)

    code: str
    message: str
    rule_id: str | None = None
    event_type: str | None = None
    """``missing_deadline``: the type of the start event that should carry the deadline
    (``supervision``, ``continuation``); ``None`` when the order should (its
    ``reply_deadline``), and for every other code."""


class Assessment(BaseModel):
    """Everything a pack says about one order at ``as_of``."""

    model_config = ConfigDict(frozen=True)

    order_id: str
    pack: str
    """``id@revision`` of the pack (with any parameter overrides)."""
    pack_hash: str = ""
    """SHA-256 of the pack's files (:attr:`~grievance_rules.packs.Pack.content_hash`)."""
    pack_origin: str = ""
    """Where the pack was found: ``builtin``, ``entry point (<distribution>)`` or ``path``."""
    engine: Literal["native", "durable"] = "native"
    """The matching backend that judged the order (both give the same findings)."""
    as_of: dt.datetime
    judged_on: dt.date
    """The date whose parameter values were applied (the order's receipt by default)."""
    excluded_from_assessment: bool
    clocks: tuple[ClockFinding, ...] = ()
    windows: tuple[WindowFinding, ...] = ()
    deductions: tuple[DeductionFinding, ...] = ()
    escalations: tuple[EscalationFinding, ...] = ()
    records: tuple[RecordFinding, ...] = ()
    warnings: tuple[DataWarning, ...] = ()

    @property
    def points(self) -> float:
        """The sum of all deductions and additions."""
        return sum(finding.points for finding in self.deductions)

    def points_by_unit(self) -> dict[str | None, float]:
        """Points per charged unit."""
        totals: dict[str | None, float] = {}
        for finding in self.deductions:
            totals[finding.unit] = totals.get(finding.unit, 0.0) + finding.points
        return totals


class Rejection(BaseModel):
    """An input the batch could not assess, and why."""

    model_config = ConfigDict(frozen=True)

    source: str
    """Where the input came from (file and line, or the position in the batch)."""
    order_id: str | None
    reasons: tuple[str, ...]


_RECORDS_KEPT = 4_096
"""At most this many record findings' JSON are kept (then it starts afresh)."""

_RECORD_JSON: dict[int, tuple[RecordFinding, bytes]] = {}
"""A record finding's identity → the finding (which keeps the identity taken) and its JSON."""

_WARNINGS_KEY = b',"warnings":['
"""Where ``records`` goes in an assessment's JSON: before ``warnings``, the last field.

Inside a string value the quotes would be escaped, so only the key itself matches."""


def _record_json(record: RecordFinding) -> bytes:
    entry = _RECORD_JSON.get(id(record))
    if entry is None:
        if len(_RECORD_JSON) >= _RECORDS_KEPT:
            _RECORD_JSON.clear()
        entry = _RECORD_JSON[id(record)] = (record, _to_json(record))
    return entry[1]


def assessment_json(assessment: Assessment) -> bytes:
    """``assessment.model_dump_json()``, UTF-8 encoded, to the byte, at less cost.

    The engine shares equal record findings across orders (most orders get the same
    finding for a record rule), and they are most of an assessment's JSON: each shared
    finding is serialised once, and spliced in where ``records`` goes.

    Example:
        >>> import datetime as dt
        >>> from grievance_rules.packs.schema import Citation
        >>> cite = Citation(source="s.md", clause="1", text="t")
        >>> record = RecordFinding(rule_id="R", title="t", citation=cite,
        ...                        not_computed="n", computed=None)
        >>> a = Assessment(order_id="A", pack="p", as_of="2024-05-06T09:00:00+08:00",
        ...                judged_on="2024-05-06", excluded_from_assessment=False,
        ...                records=(record, record))
        >>> assessment_json(a) == a.model_dump_json().encode()
        True
    """
    records = assessment.records
    if not records:
        return _to_json(assessment)
    rest = _to_json(assessment, exclude=_NO_RECORDS)
    cut = rest.rindex(_WARNINGS_KEY)
    return b"".join(
        (
            rest[:cut],
            b',"records":[',
            b",".join([_record_json(record) for record in records]),
            b"]",
            rest[cut:],
        )
    )


_NO_RECORDS = {"records"}


def _to_json(model: BaseModel, exclude: set[str] | None = None) -> bytes:
    """``model.model_dump_json(exclude=exclude).encode()``, without the round trip through str.

    pydantic serialises to UTF-8 bytes and ``model_dump_json`` decodes them; encoding the
    text again took about a third of writing an assessment (its Chinese citations and
    titles are most of its characters).
    """
    return model.__pydantic_serializer__.to_json(model, exclude=exclude)
