"""The events of a work order's life, one class per kind, told apart by ``type``.

Every event has ``type`` (its snake_case name), ``at`` (a timezone-aware
instant), ``unit`` (the id of the acting unit, or ``None`` where the actor is the
complainant or not recorded), an optional ``id`` and ``note``. Fields naming
other units hold unit ids that must be among the order's units (checked by
:func:`grievance_rules.model.check_history`). :data:`Event` is the
discriminated union the order's ``events`` hold.

Example:
    >>> from pydantic import TypeAdapter
    >>> ev = TypeAdapter(Event).validate_python(
    ...     {"type": "supervision", "at": "2024-05-08T10:00:00+08:00", "unit": "qu",
    ...      "level": "区督办", "mode": "公函督办", "reason": "推诿", "to_unit": "c07"})
    >>> ev.level, ev.mode, ev.reason
    (<SupervisionLevel.DISTRICT: 'district'>, <SupervisionMode.LETTER: 'letter'>, <SupervisionReason.BUCK_PASSING: 'buck_passing'>)
"""  # noqa: E501

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field

from grievance_rules.model.base import FrozenModel, Instant
from grievance_rules.model.enums import (
    CallbackMethod,
    ClosureOutcome,
    ContactMethod,
    EscalationReason,
    EvidenceKind,
    LeaderRole,
    RedoLevel,
    ReplyKind,
    ReturnDecision,
    Satisfaction,
    StrikeScope,
    SupervisionLevel,
    SupervisionMode,
    SupervisionReason,
    Trust,
)
from grievance_rules.model.units import UnitId

__all__ = [
    "EVENT_CLASSES",
    "EVENT_TYPES",
    "MAX_EXTERNAL_POINTS",
    "BuckPassingFound",
    "Callback",
    "Closed",
    "Continuation",
    "Dispatched",
    "Escalated",
    "Event",
    "EventBase",
    "Evidence",
    "Excluded",
    "ExtensionGranted",
    "ExtensionRequested",
    "ExternalDeduction",
    "FirstContact",
    "ProactiveHandling",
    "Reassigned",
    "RedoOrdered",
    "Referred",
    "Replied",
    "ReplyReviewed",
    "ReturnDecided",
    "ReturnRequested",
    "SignedFor",
    "StruckOff",
    "Supervision",
]


class Evidence(FrozenModel):
    """A piece of evidence: what kind, and a reference (file name, URL, archive number).

    Example:
        >>> Evidence(kind="录音", ref="rec-0412.mp3").kind
        <EvidenceKind.AUDIO: 'audio'>
    """

    kind: EvidenceKind
    ref: str | None = None


class EventBase(FrozenModel):
    """The fields every event has.

    Attributes:
        type: the event's kind (fixed by each subclass).
        at: when it happened; timezone-aware.
        unit: id of the acting unit, ``None`` for the complainant or an unrecorded actor.
        id: the event's own id in the source system, if any (unique within the order).
        note: free text.
    """

    type: str
    at: Instant
    unit: UnitId | None = None
    id: str | None = None
    note: str | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit",)
    """Fields holding unit ids that must name one of the order's units."""
    instant_fields: ClassVar[tuple[str, ...]] = ("at",)
    """Fields holding instants."""
    zh: ClassVar[str] = ""
    """The Chinese term for this kind of event."""


class Dispatched(EventBase):
    """派单 / 交办 / 派遣: ``unit`` sends the order to ``to_unit``.

    ``deadline`` is a deadline written on this dispatch, if it carries one.
    """

    type: Literal["dispatched"] = "dispatched"
    to_unit: UnitId
    deadline: Instant | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "to_unit")
    instant_fields: ClassVar[tuple[str, ...]] = ("at", "deadline")
    zh: ClassVar[str] = "派单"


class SignedFor(EventBase):
    """签收 / 先行接单 / 接件: the handling unit accepts the order."""

    type: Literal["signed_for"] = "signed_for"
    zh: ClassVar[str] = "签收"


class FirstContact(EventBase):
    """先行联系 / 联系诉求人: the handling unit first reaches the complainant."""

    type: Literal["first_contact"] = "first_contact"
    method: ContactMethod | None = None
    zh: ClassVar[str] = "先行联系"


class ReturnRequested(EventBase):
    """退单申请 / 申请回退: the handling unit asks to give the order back.

    Attributes:
        reason: the stated reason (理由和依据).
        evidence: evidence attached (图片, 影像资料, 书面退单说明, 退单申请表).
        suggested_unit: where it should go instead (建议派单方向), as written; free
            text, since it may name a body outside the order.
        signatures: the leaders who signed or approved the request.
    """

    type: Literal["return_requested"] = "return_requested"
    reason: str = ""
    evidence: tuple[Evidence, ...] = ()
    suggested_unit: str | None = None
    signatures: tuple[LeaderRole, ...] = ()
    zh: ClassVar[str] = "退单申请"


class ReturnDecided(EventBase):
    """退单审核: ``unit`` (a centre) approves or refuses a return request.

    ``requester`` names the unit whose request is decided; ``None`` means the one
    undecided request (ambiguous, and reported, when there are several).
    """

    type: Literal["return_decided"] = "return_decided"
    decision: ReturnDecision
    requester: UnitId | None = None
    reason: str = ""

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "requester")
    zh: ClassVar[str] = "退单审核"


class Reassigned(EventBase):
    """改派 / 重新派单 / 签派: ``unit`` moves the order from ``from_unit`` to ``to_unit``.

    ``decided_by`` is the leader role that decided it (签派: the main leader).
    """

    type: Literal["reassigned"] = "reassigned"
    from_unit: UnitId | None = None
    to_unit: UnitId
    reason: str = ""
    decided_by: LeaderRole | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "from_unit", "to_unit")
    zh: ClassVar[str] = "改派"


class Replied(EventBase):
    """回复 / 答复 / 处置提交: the handling unit submits its reply.

    Attributes:
        kind: a substantive reply, a preliminary one (初步回复), an explanation, ...
        evidence: evidence attached; empty means a reply without evidence.
        round: 1 for the first handling (首次处置), 2 and up for later ones (再次处置).
        face_to_face: the reply was given in person (面复).
        signatures: leaders who reviewed and passed the reply (审核).
    """

    type: Literal["replied"] = "replied"
    kind: ReplyKind = ReplyKind.SUBSTANTIVE
    evidence: tuple[Evidence, ...] = ()
    round: int = Field(default=1, ge=1)
    face_to_face: bool = False
    signatures: tuple[LeaderRole, ...] = ()
    zh: ClassVar[str] = "回复"


class ReplyReviewed(EventBase):
    """回复审核: ``unit`` (a centre) passes or sends back a unit's reply."""

    type: Literal["reply_reviewed"] = "reply_reviewed"
    approved: bool
    reason: str = ""
    zh: ClassVar[str] = "回复审核"


class Callback(EventBase):
    """回访: ``unit`` calls the complainant back and records the ratings.

    Attributes:
        round: the callback's number (1st, 2nd ...).
        reached: whether the complainant was reached at all.
        contacted: whether the handling unit had contacted them (是否联系).
        resolved: whether the problem is solved (问题是否解决).
        process_satisfaction: 过程满意度.
        result_satisfaction: 结果满意度.
        satisfaction: an overall rating where only one is given (满意度评价).
        trust: 信任度评价.
        dissatisfaction_tendency: the caller noted a leaning to dissatisfaction (不满倾向).
        method: how the callback was made.
        about_unit: the unit whose handling is rated, if not the last one dispatched.
    """

    type: Literal["callback"] = "callback"
    round: int = Field(default=1, ge=1)
    reached: bool | None = None
    contacted: bool | None = None
    resolved: bool | None = None
    process_satisfaction: Satisfaction | None = None
    result_satisfaction: Satisfaction | None = None
    satisfaction: Satisfaction | None = None
    trust: Trust | None = None
    dissatisfaction_tendency: bool | None = None
    method: CallbackMethod | None = None
    about_unit: UnitId | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "about_unit")
    zh: ClassVar[str] = "回访"


class RedoOrdered(EventBase):
    """重办 / 退回重办 / 再次处置 / 书面交办: ``unit`` sends the order back for more handling."""

    type: Literal["redo_ordered"] = "redo_ordered"
    level: RedoLevel
    to_unit: UnitId | None = None
    reason: str = ""
    in_writing: bool = False

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "to_unit")
    zh: ClassVar[str] = "重办"


class Continuation(EventBase):
    """续报: the handling unit reports it cannot finish yet and commits to a deadline."""

    type: Literal["continuation"] = "continuation"
    committed_deadline: Instant
    reason: str = ""

    instant_fields: ClassVar[tuple[str, ...]] = ("at", "committed_deadline")
    zh: ClassVar[str] = "续报"


class Supervision(EventBase):
    """督办: ``unit`` puts the order (or ``to_unit``) under supervision.

    ``deadline`` is the time limit the supervision sets (公函督办 限时办结), if any.
    """

    type: Literal["supervision"] = "supervision"
    level: SupervisionLevel
    mode: SupervisionMode | None = None
    reason: SupervisionReason | None = None
    to_unit: UnitId | None = None
    deadline: Instant | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "to_unit")
    instant_fields: ClassVar[tuple[str, ...]] = ("at", "deadline")
    zh: ClassVar[str] = "督办"


class ExtensionRequested(EventBase):
    """延期申请: the handling unit asks for more time."""

    type: Literal["extension_requested"] = "extension_requested"
    requested_deadline: Instant | None = None
    reason: str = ""

    instant_fields: ClassVar[tuple[str, ...]] = ("at", "requested_deadline")
    zh: ClassVar[str] = "延期申请"


class ExtensionGranted(EventBase):
    """延期批准: ``unit`` grants ``for_unit`` (or the order) a new deadline."""

    type: Literal["extension_granted"] = "extension_granted"
    new_deadline: Instant
    for_unit: UnitId | None = None

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "for_unit")
    instant_fields: ClassVar[tuple[str, ...]] = ("at", "new_deadline")
    zh: ClassVar[str] = "延期批准"


class Escalated(EventBase):
    """提级办理: the order is raised to the leadership (城东 附件1 申请表)."""

    type: Literal["escalated"] = "escalated"
    reason: EscalationReason | None = None
    form_filed: bool = False
    signatures: tuple[LeaderRole, ...] = ()
    zh: ClassVar[str] = "提级办理"


class Excluded(EventBase):
    """不纳入测评: the order is excluded from assessment, approved by ``approved_by``."""

    type: Literal["excluded"] = "excluded"
    approved_by: UnitId | None = None
    reason: str = ""
    signatures: tuple[LeaderRole, ...] = ()

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "approved_by")
    zh: ClassVar[str] = "不纳入测评"


class StruckOff(EventBase):
    """核减: the order is struck from a count (the unsatisfied count, the assessment)."""

    type: Literal["struck_off"] = "struck_off"
    scope: StrikeScope = StrikeScope.DISSATISFIED_COUNT
    requested_by: UnitId | None = None
    approved_by: UnitId | None = None
    reason: str = ""
    signatures: tuple[LeaderRole, ...] = ()

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "requested_by", "approved_by")
    zh: ClassVar[str] = "核减"


class BuckPassingFound(EventBase):
    """推诿 finding: ``unit`` finds that ``subject_unit`` passed the buck."""

    type: Literal["buck_passing_found"] = "buck_passing_found"
    subject_unit: UnitId

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "subject_unit")
    zh: ClassVar[str] = "推诿"


class ProactiveHandling(EventBase):
    """主动承办: ``unit`` takes the order on without being dispatched it."""

    type: Literal["proactive_handling"] = "proactive_handling"
    zh: ClassVar[str] = "主动承办"


class Referred(EventBase):
    """线索移交: ``unit`` hands the case to a discipline body (``to_unit``)."""

    type: Literal["referred"] = "referred"
    to_unit: UnitId | None = None
    reason: str = ""

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "to_unit")
    zh: ClassVar[str] = "线索移交"


class Closed(EventBase):
    """办结: the order is closed."""

    type: Literal["closed"] = "closed"
    outcome: ClosureOutcome | None = None
    zh: ClassVar[str] = "办结"


MAX_EXTERNAL_POINTS = 1000.0
"""The largest adjustment an external deduction may carry, either way: a bound no source
gives, set far above any office's score sheet (100 points a period) so that a typing
slip (``1e308``) is refused and a year's sums stay finite."""


class ExternalDeduction(EventBase):
    """A score adjustment set elsewhere and carried through (区通报: 计划性办结工单).

    Attributes:
        subject_unit: the unit whose score it changes.
        points: the adjustment as the notice states it; negative for a deduction
            (扣2分 is ``-2.0``), within ±:data:`MAX_EXTERNAL_POINTS`.
        source: the notice it comes from.
    """

    type: Literal["external_deduction"] = "external_deduction"
    subject_unit: UnitId
    points: Annotated[float, Field(ge=-MAX_EXTERNAL_POINTS, le=MAX_EXTERNAL_POINTS)]
    source: str = ""
    reason: str = ""

    unit_fields: ClassVar[tuple[str, ...]] = ("unit", "subject_unit")
    zh: ClassVar[str] = "通报扣分"


Event = Annotated[
    Dispatched
    | SignedFor
    | FirstContact
    | ReturnRequested
    | ReturnDecided
    | Reassigned
    | Replied
    | ReplyReviewed
    | Callback
    | RedoOrdered
    | Continuation
    | Supervision
    | ExtensionRequested
    | ExtensionGranted
    | Escalated
    | Excluded
    | StruckOff
    | BuckPassingFound
    | ProactiveHandling
    | Referred
    | Closed
    | ExternalDeduction,
    Field(discriminator="type"),
]
"""Any event; ``type`` says which."""

EVENT_CLASSES: dict[str, type[EventBase]] = {
    cls.model_fields["type"].default: cls
    for cls in (
        Dispatched,
        SignedFor,
        FirstContact,
        ReturnRequested,
        ReturnDecided,
        Reassigned,
        Replied,
        ReplyReviewed,
        Callback,
        RedoOrdered,
        Continuation,
        Supervision,
        ExtensionRequested,
        ExtensionGranted,
        Escalated,
        Excluded,
        StruckOff,
        BuckPassingFound,
        ProactiveHandling,
        Referred,
        Closed,
        ExternalDeduction,
    )
}
"""Each event class by its ``type``, in the order of the union."""

EVENT_TYPES: tuple[str, ...] = tuple(EVENT_CLASSES)
"""Every event ``type``."""
