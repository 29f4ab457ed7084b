"""The declarations a policy pack is made of, as pydantic models.

A pack is data: YAML files validated into these models. Nothing in a pack is
executed; conditions are a small closed vocabulary (:data:`Condition`) that the
engine compiles into durable-rules patterns and evaluates.

The vocabulary, in brief (see ``docs/packs.md`` for the full reference):

* ``Citation``: source file, clause, the quoted Chinese text.
* ``Selector`` (``applies_to``): which orders a rule applies to.
* ``EventRef``: an event type with a ``where`` filter.
* ``Trigger``: one kind of occurrence: an event, a clock in a state, a window
  result, an escalation.
* ``Condition``: triggers combined with ``all``, ``any``, ``not``, ``count``,
  ``repeat`` (across orders).
* Rules: ``clock``, ``window``, ``deduction``, ``escalation``, ``period``,
  ``record`` (recorded, not computed).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import has_chinese, join_list, ngettext
from grievance_rules.model.enums import ClosureOutcome, LeaderRole
from grievance_rules.model.terms import TermEnum

__all__ = [
    "UPSTREAM_TESTS",
    "AllOf",
    "AnyOf",
    "Calendar",
    "Citation",
    "ClockRule",
    "Condition",
    "CountOf",
    "DatedValue",
    "DeductionRule",
    "EscalationRule",
    "EventRef",
    "Interpretation",
    "Manifest",
    "NotOf",
    "Notify",
    "ParamIs",
    "ParamRef",
    "Parameter",
    "PeriodRule",
    "PeriodTier",
    "Progression",
    "RankingRule",
    "RecordRule",
    "RepeatOf",
    "Rule",
    "RuleFile",
    "Scoring",
    "Selector",
    "Source",
    "StopException",
    "Target",
    "Topic",
    "Trigger",
    "WarningLevel",
    "WindowRule",
    "ZhText",
    "iter_triggers",
]

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]*$")


def _chinese(value: str) -> str:
    if not has_chinese(value):
        raise ValueError(
            _("a '_zh' text must be written in Chinese, got {value}").format(value=repr(value[:60]))
        )
    return value


ZhText = Annotated[str, AfterValidator(_chinese)]
"""The Chinese twin of a prose field (``reading_zh`` beside ``reading``).

Prose a person reads is carried in both languages: the field itself in English, its
``_zh`` twin in 简体中文. A twin that is absent leaves the text untranslated (the
Chinese README shows the English, marked 未翻译); a twin with no Chinese character in it
is refused.
"""


class Topic(TermEnum):
    """What a rule is about, so that rules of different packs can be matched by meaning.

    A rule declares one or more ``topics``; two packs' rules of the same kind that
    share a topic are compared side by side (``packs diff``, ``compare``). The
    rates of the scorecards find their time limits through the clock topics
    ``sign_off``, ``first_contact`` and ``reply``.

    Example:
        >>> Topic("签收"), Topic.REPLY.zh
        (<Topic.SIGN_OFF: 'sign_off'>, '答复')
    """

    SIGN_OFF = "sign_off", "签收", ("先行接单", "受理")
    FIRST_CONTACT = "first_contact", "先行联系", ("接诉即联",)
    REPLY = "reply", "答复", ("办结", "首次处置", "回复")
    EMERGENCY = "emergency", "紧急件"
    SECOND_HANDLING = "second_handling", "再次处置"
    CONTINUATION = "continuation", "续报"
    RETURN = "return", "退单", ("回退",)
    EXTENSION = "extension", "延期"
    CALLBACK = "callback", "回访"
    LATE = "late", "超期", ("超时",)
    UNJUSTIFIED_RETURN = "unjustified_return", "无理由退件"
    PROCESS_UNSATISFIED = "process_unsatisfied", "过程不满意"
    RESULT_UNSATISFIED = "result_unsatisfied", "结果不满意"
    UNRESOLVED = "unresolved", "问题未解决"
    DISSATISFIED = "dissatisfied", "不满意", ("差评",)
    WARNING_ORDER = "warning_order", "预警工单"
    BUCK_PASSING = "buck_passing", "推诿"
    REDO = "redo", "重办"
    SUPERVISION = "supervision", "督办"
    PROACTIVE = "proactive", "主动承办"
    EXTERNAL = "external", "通报扣分", ("计划性办结",)
    EVIDENCE = "evidence", "佐证材料"
    FALSE_REPLY = "false_reply", "虚假回复"
    REPEAT_COMPLAINT = "repeat_complaint", "重复投诉"
    ESCALATED_HANDLING = "escalated_handling", "提级办理"
    INTERVIEW = "interview", "约谈"
    EXPLANATION = "explanation", "说明", ("书面说明",)
    REASSIGNMENT = "reassignment", "签派", ("改派",)
    REFERRAL = "referral", "线索移交"
    EXCLUSION = "exclusion", "不纳入测评"
    CLASSIFICATION = "classification", "分类梳理"
    RANKING = "ranking", "排名"
    REPORTING = "reporting", "通报"
    ASSESSMENT = "assessment", "考核"
    PRELIMINARY_REPLY = "preliminary_reply", "初步回复"
    RESPOND_AT_ONCE = "respond_at_once", "接诉即办", ("即来即办",)
    FIRST_RECEIVER = "first_receiver", "首接负责", ("首派负责",)
    ON_ACCOUNT = "on_account", "挂账"
    SPECIAL_REPORT = "special_report", "专报", ("快报",)


class _Decl(BaseModel):
    # NaN and infinity are refused everywhere: a points value of .nan would make every
    # total nan (models that set their own model_config inherit this)
    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


class Source(_Decl):
    """A source document the pack encodes."""

    file: str
    title: str
    number: str | None = None
    issued: dt.date | None = None
    annexes: tuple[str, ...] = ()


class Citation(_Decl):
    """Where a rule comes from: the source file, the clause, the quoted text."""

    source: str = Field(min_length=1)
    clause: str = Field(min_length=1)
    text: str = Field(min_length=1)


class Interpretation(_Decl):
    """How an ambiguous clause is read, and how to pick the other reading.

    ``reading``, ``alternative`` and ``example`` are in English; their ``_zh`` twins
    say the same in Chinese for the officials who read the README. ``switch`` names
    the parameter (and value) that picks the alternative, ``name: value``, or several
    as a YAML flow mapping (``{warning_yellow: 0.6, warning_red: 0.8}``).
    """

    reading: str
    reading_zh: ZhText | None = None
    alternative: str | None = None
    alternative_zh: ZhText | None = None
    switch: str | None = None
    """The parameter (and value) that selects the alternative, if it is cheap: ``name:
    value``, or a flow mapping (``{a: x, b: y}``) when the other reading moves several
    parameters together (the README lists it under each)."""
    example: str | None = None
    """A worked example of the reading (dates, days counted, days skipped)."""
    example_zh: ZhText | None = None


class ParamRef(_Decl):
    """A reference to a dated parameter of the pack: ``{param: return_window}``."""

    param: str


Points = float | ParamRef
DurationSpec = str | ParamRef
Threshold = Annotated[int, Field(ge=1)] | ParamRef
"""A count of at least one, or a dated parameter holding one (checked at load)."""


class Selector(_Decl):
    """Which orders a rule applies to; every given field must match (any listed value).

    ``has`` names order fields that must be set (``reply_deadline``);
    ``any_of`` is a list of selectors of which one must match.
    """

    channel: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    urgency: tuple[str, ...] = ()
    special_kind: tuple[str, ...] = ()
    not_special_kind: tuple[str, ...] = ()
    unit_kind: tuple[str, ...] = ()
    flag: tuple[str, ...] = ()
    has: tuple[str, ...] = ()
    any_of: tuple[Selector, ...] = ()


WhereValue = str | int | float | bool | None | list[str | int | float | bool] | dict[str, Any]


class EventRef(_Decl):
    """An event type, filtered by its fields.

    ``where`` maps a field to a value (equality), a list (any of), or an operator
    table: ``{ne: v}``, ``{gte: n}``, ``{lte: n}``, ``{exists: bool}``. Tuple fields
    are compared by their length through ``<field>_count`` (``evidence_count: 0``).
    """

    event: str
    where: dict[str, WhereValue] = Field(default_factory=dict)


class Trigger(_Decl):
    """One kind of occurrence a deduction or escalation counts.

    Exactly one of ``event``, ``clock``, ``window``, ``escalation``, ``deduction``
    is given. ``after`` restricts an event trigger to events preceded by another
    event. ``deduction`` (the findings of deduction rules) is only counted in
    period rules.
    """

    event: str | None = None
    where: dict[str, WhereValue] = Field(default_factory=dict)
    after: EventRef | None = None
    unless_after: EventRef | None = None
    """With ``event``: only events that NO earlier matching event precedes."""
    same_unit: bool = False
    """With ``after`` or ``unless_after``: only an earlier event of the same acting unit
    (its ``unit``) counts as preceding: a reply is 'after a first contact' only when the
    replying unit made that contact. An event without a unit has no such earlier event."""
    assigns: bool = False
    """With ``event`` (dispatched, reassigned): only the events that begin an assignment
    (:mod:`grievance_rules.model.assignments`): not a township's forward to its
    village, not the order sent again to the unit holding it."""
    clock: tuple[str, ...] = ()
    window: tuple[str, ...] = ()
    escalation: tuple[str, ...] = ()
    deduction: tuple[str, ...] = ()
    state: str | None = None
    level: str | None = None
    """With ``clock``: only clocks at this warning level (``red``) at ``as_of``, counted at
    the instant the clock reached it."""
    reached: str | None = None
    """With ``clock``: clocks that reached this warning level (``red``) at an instant up to
    ``as_of`` and not after they stopped, whatever their state now (``state`` optional),
    counted at that instant: a duty owed while the clock stood at the level stays owed
    after it stops."""
    occurrence: Annotated[int, Field(ge=0)] | None = None
    """With ``clock``: only the clock of this start (0: the first 续报's clock)."""

    @field_validator("clock", "window", "escalation", "deduction", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _exactly_one(self) -> Trigger:
        given = [self.event, self.clock, self.window, self.escalation, self.deduction]
        if sum(map(bool, given)) != 1:
            raise ValueError(
                _("a trigger needs exactly one of: event, clock, window, escalation, deduction")
            )
        if self.event is None and (self.where or self.after or self.unless_after):
            raise ValueError(_("'where', 'after' and 'unless_after' go with 'event'"))
        if self.same_unit and self.after is None and self.unless_after is None:
            raise ValueError(_("'same_unit' goes with 'after' or 'unless_after'"))
        if self.assigns and self.event not in ("dispatched", "reassigned"):
            raise ValueError(_("'assigns' goes with event dispatched or reassigned"))
        states = ("breached", "running", "paused", "met")
        if self.clock and self.state is None and self.reached is None:
            raise ValueError(_("a clock trigger needs state: breached, met, running or paused"))
        if self.clock and self.state is not None and self.state not in states:
            raise ValueError(
                _(
                    "a clock trigger needs state: breached, met, running or paused; got {state}"
                ).format(state=repr(self.state))
            )
        if (self.level is not None or self.reached is not None) and not self.clock:
            raise ValueError(_("'level' and 'reached' go with 'clock'"))
        if self.level is not None and self.reached is not None:
            raise ValueError(_("a clock trigger takes 'level' or 'reached', not both"))
        if self.level is not None and self.state not in ("running", "paused"):
            raise ValueError(
                _("'level' goes with state running or paused (a stopped clock has none)")
            )
        if self.occurrence is not None and not self.clock:
            raise ValueError(_("'occurrence' goes with 'clock'"))
        if self.window and self.state not in ("late", "within"):
            raise ValueError(_("a window trigger needs state: late or within"))
        return self


class AllOf(_Decl):
    """Every condition holds."""

    all: tuple[Condition, ...] = Field(min_length=1)


class AnyOf(_Decl):
    """At least one condition holds."""

    any: tuple[Condition, ...] = Field(min_length=1)


class NotOf(_Decl):
    """The condition does not hold."""

    not_: Condition = Field(alias="not")
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class CountOf(_Decl):
    """The number of occurrences of a trigger, compared with a threshold.

    ``distinct`` counts distinct values of an event field (two returns from two
    *different* units: ``distinct: unit``).
    """

    count: Trigger
    at_least: Threshold | None = None
    equals: Annotated[int, Field(ge=0)] | ParamRef | None = None
    distinct: str | None = None

    @model_validator(mode="after")
    def _one_threshold(self) -> CountOf:
        if (self.at_least is None) == (self.equals is None):
            raise ValueError(_("a count needs exactly one of: at_least, equals"))
        return self


class RepeatOf(_Decl):
    """Across orders: how many orders share this order's complainant or issue.

    ``key``: ``complainant`` (the same person on the same issue) or ``issue``
    (distinct complainants on the same issue). ``within``: ``calendar_month``
    (the month of the order's receipt) or a number of natural days before it.
    Both ``within`` and ``at_least`` may be dated parameters (``{param: name}``).
    """

    repeat: Literal["complainant", "issue"]
    within: Literal["calendar_month"] | Annotated[int, Field(ge=1)] | ParamRef = "calendar_month"
    at_least: Threshold


class ParamIs(_Decl):
    """A parameter has a value, so a reading can switch a branch on or off.

    ``{param_is: {weekly_other_deductions: any}}`` holds when the parameter's value in
    force is ``any``: for the period, in a period tier; on the order's judged date (the
    date of its receipt), in a rule's ``when``, where it holds from the receipt.
    """

    param_is: dict[str, str | int | float | bool]

    @field_validator("param_is")
    @classmethod
    def _one_parameter(
        cls, value: dict[str, str | int | float | bool]
    ) -> dict[str, str | int | float | bool]:
        if len(value) != 1:
            raise ValueError(
                _(
                    "param_is names exactly one parameter and its value, got {count}; to test "
                    "several, give each its own: "
                    "{{all: [{{param_is: {{a: x}}}}, {{param_is: {{b: y}}}}]}}"
                ).format(count=len(value))
            )
        return value


Condition = Trigger | AllOf | AnyOf | NotOf | CountOf | RepeatOf | ParamIs


def iter_triggers(cond: Condition, *, counted_only: bool = False) -> Iterator[Trigger]:
    """Every trigger of a condition, depth first, in declaration order.

    ``counted_only``: only those whose occurrences the condition counts when it holds
    (not those under a ``not``).

    Example:
        >>> cond = AnyOf(any=(Trigger(event="replied"), CountOf(
        ...     count=Trigger(event="continuation"), at_least=2),
        ...     NotOf(not_=Trigger(event="closed"))))
        >>> [t.event for t in iter_triggers(cond)]
        ['replied', 'continuation', 'closed']
        >>> [t.event for t in iter_triggers(cond, counted_only=True)]
        ['replied', 'continuation']
    """
    if isinstance(cond, Trigger):
        yield cond
    elif isinstance(cond, AllOf | AnyOf):
        for inner in cond.all if isinstance(cond, AllOf) else cond.any:
            yield from iter_triggers(inner, counted_only=counted_only)
    elif isinstance(cond, NotOf):
        if not counted_only:
            yield from iter_triggers(cond.not_)
    elif isinstance(cond, CountOf):
        yield cond.count


class WarningLevel(_Decl):
    """A warning before breach: ``level`` once ``at`` of the period has run.

    ``param`` names a dated parameter holding the fraction (no source gives the
    黄灯/红灯 fractions: they are assumptions a pack states as parameters); the
    value in force on the judged date replaces ``at`` (which stays the value shown to
    readers that do not resolve parameters: the pack's own value).
    """

    level: str
    at: float = Field(gt=0, lt=1)
    param: str | None = None


class Target(_Decl):
    """Who acts, or on whom: a unit (by how it is found) and a leader role.

    The unit: ``handling_unit`` (holding the order when the condition held),
    ``trigger_unit`` (the acting unit of the occurrence counted), ``about_unit`` (the
    unit a counted callback rates, its 评价单位 ``about_unit``, else the unit holding the
    order at the callback), ``dispatch_centre`` or ``none``.
    """

    unit: Literal["handling_unit", "trigger_unit", "about_unit", "dispatch_centre", "none"] = (
        "handling_unit"
    )
    role: str | None = None
    body: str | None = None
    """A body named in the document when it is not one of the order's units (街道纪工委)."""


class _RuleBase(_Decl):
    id: str
    title: str
    clauses: tuple[str, ...] = Field(min_length=1)
    """The clause-checklist ids (CLAUSES.md) this rule encodes."""
    citation: Citation
    interpretation: Interpretation | None = None
    applies_to: Selector = Selector()
    topics: tuple[Topic, ...] = ()
    """What the rule is about (:class:`Topic`), for matching rules across packs."""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(
                _("rule id {id} must be letters, digits, '.', '_' or '-'").format(id=repr(value))
            )
        return value


class StopException(_Decl):
    """Stop events that do not stop a clock: a 初步回复 does not meet a reply deadline.

    ``where`` filters the clock's stop events by fields of the event itself, as an
    event reference's ``where`` does (no derived fields); the stop events it
    matches are passed over. ``unless`` (a boolean, or a dated parameter holding
    one) turns the exception off when true: the parameter that picks the other
    reading, under which every stop event stops the clock.
    """

    where: dict[str, WhereValue] = Field(min_length=1)
    unless: bool | ParamRef = False


class ClockRule(_RuleBase):
    """A deadline: started by an event, stopped by another, due after a duration.

    ``due`` alternatives: ``duration`` (with ``convention`` and ``half_day``), or
    ``due_field``: an instant written on the order (``reply_deadline``) or on the
    start event (``committed_deadline``). ``occurrence: each`` runs one clock per
    start event (each 续报 has its own deadline).
    """

    kind: Literal["clock"]
    start: EventRef | Literal["received"]
    no_later_than: tuple[str, ...] = ()
    """Clock rule ids: this clock is never due after their (first) due instants, where
    they run (the street's 2 days for 特殊工单 never end after the district's 3)."""
    also_started_by: tuple[EventRef, ...] = ()
    """Other events that start the clock as its ``start`` does (matched on the event's
    own fields): every callback that makes a warning order, not only one kind."""
    start_else: tuple[EventRef, ...] = ()
    """Events that start the clock, as its ``start`` does, only on an order with no start
    event (nor ``also_started_by`` event), matched on the event's own fields: 夏阳's 再次处置
    runs from the order's re-flow to the department (重办) or, where none is recorded,
    from the callback that made it a warning order."""
    start_else_due_of: str | None = None
    """A clock rule id: when the start event never happened, this clock starts at that
    clock's due instant (the latest the start event should have happened): a reply due
    after 签收 still runs for an order never signed for."""
    stop: EventRef
    not_stopped_by: StopException | None = None
    """Stop events that do not stop this clock (unless a parameter says they do)."""
    also_stopped_by: EventRef | None = None
    """A second kind of event that stops the clock (办理完毕: a reply with a result, or the
    order's closure); matched on the event's own fields (no derived fields)."""
    stop_by: Literal["any", "same_unit"] = "any"
    occurrence: Literal["first", "each"] = "first"
    duration: DurationSpec | None = None
    due_field: str | None = None
    convention: str | ParamRef | None = None
    half_day: str | ParamRef | None = None
    pause: tuple[tuple[EventRef, EventRef], ...] = ()
    """Pairs (from, until): the clock stands still from the first until the second."""
    extend: EventRef | None = None
    """An event carrying ``new_deadline`` (an approved extension) that moves the due instant."""
    cap: DurationSpec | None = None
    """The longest the period may run with extensions, counted from the start."""
    warnings: tuple[WarningLevel, ...] = ()
    charge: Literal["handling_unit", "start_unit"] = "handling_unit"
    only_if_start: Literal["outside_office_hours", "inside_office_hours", "after_hours"] | None = (
        None
    )
    """Run the clock only for a start outside (or inside) office hours on working days;
    ``after_hours``: on a day off, or before opening or after closing time of a working
    day (a lunch break is not 下班时间)."""
    runs_if: ParamIs | None = None
    """Run the clock only while a parameter has a value (a reading that switches it on)."""
    per_assignment: bool = False
    """One clock per assignment (:mod:`grievance_rules.model.assignments`): each unit the
    order is sent or re-dispatched to gets its own clock, counted from its own
    assignment (a dispatch-started clock) or its own first start event, stopped only
    by its own stop events; a unit the order is taken from is no longer charged (its
    clock ends there: breached only if it was already due)."""
    for_unit_kind: tuple[str, ...] = ()
    """With ``per_assignment``: the kinds of unit the clock is for, tested on each
    assignment's own unit: only the assignments of a unit of these kinds get a clock
    (城东's hour binds the 属地 unit holding the order, whichever unit had it first).
    ``applies_to.unit_kind`` tests the order's first handling unit instead."""

    @field_validator("no_later_than", mode="before")
    @classmethod
    def _one_or_many(cls, value: Any) -> Any:
        return (value,) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _due_defined(self) -> ClockRule:
        if (self.duration is None) == (self.due_field is None):
            raise ValueError(_("a clock needs exactly one of: duration, due_field"))
        if self.duration is not None and self.convention is None:
            raise ValueError(_("a clock with a duration needs a convention"))
        return self


class WindowRule(_RuleBase):
    """An action only allowed within a time of an opening event (a return window)."""

    kind: Literal["window"]
    action: EventRef
    opens: EventRef | Literal["received"]
    duration: DurationSpec
    convention: str | ParamRef
    half_day: str | ParamRef | None = None
    consequence: str = "refused"
    """What happens to a late action, in the document's words (超期不予回退)."""
    per_assignment: bool = False
    """The window opens at the acting unit's own assignment (its dispatch, or its
    re-dispatch by a ``reassigned`` event), not at the order's last dispatch."""


class Progression(_Decl):
    """Points that grow with each later occurrence on the same order."""

    kind: Literal["doubling"]


class DeductionRule(_RuleBase):
    """Points per occurrence (negative: a deduction; positive: an addition)."""

    kind: Literal["deduction"]
    points: Points | Literal["from_event"]
    """A number, a parameter, or ``from_event``: the ``points`` the event carries."""
    when: Trigger | AnyOf
    charge: Literal["handling_unit", "trigger_unit", "subject_unit", "about_unit"] = "handling_unit"
    """Whom each occurrence charges: the unit holding the order then, the unit that acted
    (the triggering event's), the event's subject unit, or the unit a callback rates (its
    ``about_unit``, 评价单位, else the unit holding the order then; for another event,
    the unit holding the order)."""
    progression: Progression | None = None
    cap: Annotated[float, Field(gt=0)] | ParamRef | None = None
    """The most (in absolute value) this rule may deduct on one order; a number or a
    dated parameter."""
    once_per: Literal["order", "order_and_unit"] | ParamRef | None = None
    """Count the order once however many occurrences it has ("每件": per order): ``order``
    keeps its first occurrence, whatever unit it is charged to; ``order_and_unit`` the
    first occurrence charged to each unit (a unit's own late clocks count once, another
    unit's still count: 附件2 scores each village's own 超期件). A dated parameter may
    hold either."""
    once_per_order: bool = False
    """The older spelling of ``once_per: order`` (``true``); not with ``once_per``."""
    assesses: str | ParamRef | None = None
    """The unit kinds the points count for (comma-separated, or ``all``; a parameter):
    a finding charged to another kind of unit is kept, with 0 points, so that period
    rules still see it (附件2「考核对象：各村（社区）」)."""
    same_occurrence_as: tuple[str, ...] = ()
    """Other deduction rules that deliberately count the same occurrence."""
    runs_if: ParamIs | None = None
    """Deduct only while a parameter has a value on the order's judged date (a reading
    that switches the rule on: the other reading of a clause, as a second rule)."""

    @model_validator(mode="before")
    @classmethod
    def _once_per_spelled_once(cls, data: Any) -> Any:
        if isinstance(data, dict) and "once_per_order" in data and "once_per" in data:
            raise ValueError(_("give once_per or once_per_order (the older spelling), not both"))
        return data

    @property
    def counted_once_per(self) -> Literal["order", "order_and_unit"] | ParamRef | None:
        """How the rule counts an order once: ``once_per``, or ``order`` for ``once_per_order``."""
        if self.once_per is not None:
            return self.once_per
        return "order" if self.once_per_order else None


class EscalationRule(_RuleBase):
    """An escalation (督办, 约谈, 提级, 预警, 签派 ...) when a condition holds."""

    kind: Literal["escalation"]
    when: Condition
    action: str
    """What happens, in the document's words (约谈, 提级办理, 现场督办)."""
    actor: Target
    target: Target = Target()
    for_unit_kind: tuple[str, ...] = ()
    """The kinds of unit the escalation is for, tested on its target unit: it is due
    only when the unit it targets is of one of these kinds (城东's 面复 by a village's
    挂包领导, an office's 分管领导: the unit that handled the order, whichever had it
    first). ``applies_to.unit_kind`` tests the order's first handling unit instead."""
    once_per: Literal["order", "unit"] | ParamRef | None = None
    """How often the escalation is found on one order: ``order`` (the default) once,
    targeting the unit of the last occurrence its condition counted; ``unit``, with the
    target ``trigger_unit`` (or ``about_unit``), once for each distinct unit among the
    counted occurrences (the units they concern)
    (each unit's overdue item supervised: 对承办单位逾期未办结事项), dated when it held for
    that unit and tracing what it counted for it. A dated parameter may hold either."""


class RecordRule(_RuleBase):
    """A clause that cannot be computed from work-order data (a meeting, a signature).

    ``when`` (optional) computes what can be: that an event was recorded.
    """

    kind: Literal["record"]
    not_computed: str
    """What the clause asks that no order data shows, and why."""
    not_computed_zh: ZhText | None = None
    when: Condition | None = None
    excludes: bool = False
    """Whether the record holding is what excludes an order from assessment (不纳入测评):
    in a pack with such a rule, an ``excluded`` event excludes the order only where one of
    them holds (夏阳 三、2: an exclusion approved upstream); the order's own flag
    ``excluded_from_assessment`` always does. In a pack without one, any ``excluded``
    event does."""
    runs_if: ParamIs | None = None
    """Record the clause only while a parameter has a value on the order's judged date
    (a reading that widens or narrows the orders the clause binds: the other reading as a
    second rule, chengdong ``CD-6.second-callback-respond-at-once``)."""


class PeriodTier(_Decl):
    """One tier of a period rule; a stronger tier (later in the list) replaces a weaker."""

    id: str
    when: Condition
    action: str
    actor: Target
    target: Target = Target()


class PeriodRule(_RuleBase):
    """Thresholds over one unit's findings in a period (the weekly 末位约谈 tiers).

    In the tiers' conditions, a ``count`` of a trigger counts the unit's findings
    in the period: ``{count: {event: callback, where: ...}}`` counts events,
    ``{count: {escalation: X}}`` escalations; a deduction rule id in ``finding``
    counts its deductions.
    """

    kind: Literal["period"]
    period: Literal["week", "month", "two_months", "quarter", "half_year", "year"]
    tiers: tuple[PeriodTier, ...] = Field(min_length=1)
    replaces_weaker: bool = True


class RankingRule(_RuleBase):
    """The bottom N units of a kind by score in a period (村（社区）每月排名后三名)."""

    kind: Literal["ranking"]
    period: Literal["week", "month", "two_months", "quarter", "half_year", "year"]
    among: tuple[str, ...]
    """Unit kinds ranked together."""
    bottom: Threshold
    """How many of the lowest-scoring units; a number or a dated parameter."""
    ties: Literal["all", "none"] | ParamRef = "all"
    """Units with equal points share a place. When the boundary falls in a tie: ``all``
    names every unit of the tied group, ``none`` names none of it. A unit is never named
    unless some unit ranked with it scored more, and with no more units than ``bottom``
    nobody is named."""
    action: str
    actor: Target
    target: Target = Target()


Rule = Annotated[
    ClockRule | WindowRule | DeductionRule | EscalationRule | RecordRule | PeriodRule | RankingRule,
    Field(discriminator="kind"),
]


class RuleFile(_Decl):
    """A rule file: ``rules:`` and a list of rules."""

    rules: tuple[Rule, ...] = ()


class DatedValue(_Decl):
    """A parameter's value from a date on."""

    from_: dt.date = Field(alias="from")
    value: str | float | int | bool
    citation: Citation | None = None
    note: str | None = None
    note_zh: ZhText | None = None
    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)

    @field_validator("value", mode="before")
    @classmethod
    def _finite(cls, value: Any) -> Any:
        if isinstance(value, float) and not math.isfinite(value):
            raise ValueError(_("a number must be finite, got {value}").format(value=value))
        return value


class Parameter(_Decl):
    """A dated parameter: its values, each with the date it takes effect."""

    description: str
    description_zh: ZhText | None = None
    values: tuple[DatedValue, ...] = Field(min_length=1)
    basis: Literal["cited", "assumption"] = "cited"
    labels: dict[str, str] = Field(default_factory=dict)
    """What a value means, by value, where the value itself tells a reader nothing
    (``any``, ``named``); the README shows the label instead of the value."""
    labels_zh: dict[str, ZhText] = Field(default_factory=dict)
    """The labels in Chinese."""
    interpretation: Interpretation | None = None
    """A reading the whole pack takes through this parameter (how "N个工作日" is
    counted), shown first among the README's Interpretations."""

    @property
    def is_choice(self) -> bool:
        """Whether the parameter picks between readings: an assumption, or a yes/no."""
        return self.basis == "assumption" or all(
            isinstance(dated.value, bool) for dated in self.values
        )

    @model_validator(mode="after")
    def _sorted(self) -> Parameter:
        dates = [v.from_ for v in self.values]
        if dates != sorted(dates) or len(set(dates)) != len(dates):
            raise ValueError(_("values must be in increasing order of 'from', one per date"))
        return self

    def accepts(self, value: object) -> bool:
        """Whether the parameter can take ``value``.

        One of its labels' values where it names them, true or false where every dated
        value is a yes/no; else any value (its rules check it where they use it).
        """
        if self.labels:
            return value in self.labels
        if all(isinstance(dated.value, bool) for dated in self.values):
            return isinstance(value, bool)
        return True

    def values_text(self) -> str:
        """The values :meth:`accepts` takes, as an error names them (in the language)."""
        return join_list(self.labels if self.labels else ("true", "false"))

    def value_on(self, day: dt.date) -> str | float | int | bool | None:
        """The value in force on ``day`` (``None`` before the first value)."""
        current = None
        for dated in self.values:
            if dated.from_ <= day:
                current = dated.value
        return current


class Calendar(_Decl):
    """The pack's calendar: office hours, half-day rule, local overlays, and why."""

    office_hours: str | None = None
    half_day: str = "half_minutes"
    basis: Literal["cited", "assumption"] = "assumption"
    note: str = ""
    note_zh: ZhText | None = None
    closures: dict[dt.date, str] = Field(default_factory=dict)
    holidays: dict[dt.date, str] = Field(default_factory=dict)
    working_days: dict[dt.date, str] = Field(default_factory=dict)


UPSTREAM_TESTS: dict[str, str] = {
    "to_unit_upstream": "to_unit",
    "unit_upstream": "unit",
    "approved_by_upstream": "approved_by",
}
"""The derived properties telling whether one of an event's units is upstream (a centre,
a government, a discipline body, not a handling unit), by the unit field each reads:
``to_unit_upstream`` (where a dispatch sends the order), ``unit_upstream`` (who acted),
``approved_by_upstream`` (who approved an exclusion or a strike-off: 夏阳's
「上级部门…审核通过」)."""

RATE_NAMES: tuple[str, ...] = (
    "on_time_sign_off",
    "first_contact",
    "completion",
    "on_time_completion",
    "response",
    "resolution",
    "satisfaction",
    "three_rates",
)
"""The rates a pack's ``scoring.composite`` may weigh (the scoring layer defines each)."""


class Scoring(_Decl):
    """``pack.yaml`` ``scoring``: how a unit's score and rates are formed.

    The defaults are those of a pack whose document gives none: a score is the
    sum of the period's points (no base), 基本满意 counts as satisfied, and the
    三率 composite weighs its three rates equally. Each value a document does not
    give is an assumption and says so in ``note``.
    """

    base_score: float = 0.0
    """The score a unit starts each period with, before its points."""
    basically_satisfied_weight: Annotated[float, Field(ge=0, le=1)] | ParamRef = 1.0
    """How much a 基本满意 rating counts towards 满意率 (1: as satisfied, 0: not at all), a
    number or a dated parameter (read on each period's first day, as the composite's
    weights are)."""
    three_rates_weights: dict[str, float] = Field(
        default_factory=lambda: {"response": 1 / 3, "resolution": 1 / 3, "satisfaction": 1 / 3}
    )
    """Weights of 响应率, 解决率 and 满意率 in the 三率 composite (they must sum to 1)."""
    rank_by: Literal["score", "points"] = "score"
    strike_off_closures: tuple[str, ...] = ()
    """Closure outcomes (``closed.outcome``) that strike an order off the dissatisfied
    count (核减) for 满意率, as a ``struck_off`` event does (大冶: 依法办理办结)."""
    returned_orders: Literal["last_unit", "none"] | ParamRef = "last_unit"
    """Whom an order counts for in the rates once an approved return (退单获批) handed it
    back and it was not dispatched again by ``as_of``: the unit that returned it
    (``last_unit``), or no unit (``none``: counted apart, as
    ``unattributed.reasons.returned``). A literal or a dated parameter."""
    composite: dict[str, float | ParamRef] = Field(default_factory=dict)
    """A weighted mean of rates (rate name → weight, a number or a dated parameter),
    e.g. daye's quarterly assessment of 按时签收率, 办结率 and 满意率."""
    note: str = ""
    note_zh: ZhText | None = None

    @model_validator(mode="after")
    def _weights_sum_to_one(self) -> Scoring:
        outcomes = {outcome.value for outcome in ClosureOutcome}
        for value in self.strike_off_closures:
            if value not in outcomes:
                said = _("strike_off_closures: unknown closure outcome {value}; one of {known}")
                raise ValueError(said.format(value=repr(value), known=join_list(sorted(outcomes))))
        if set(self.three_rates_weights) != {"response", "resolution", "satisfaction"}:
            raise ValueError(_("three_rates_weights needs response, resolution and satisfaction"))
        if abs(sum(self.three_rates_weights.values()) - 1) > 1e-9:
            raise ValueError(_("three_rates_weights must sum to 1"))
        return self


class Notify(_Decl):
    """``pack.yaml`` ``notify``: whom a clock's warning level calls for (黄红灯).

    ``roles`` maps a warning level (``yellow``, ``red``, ``breached``) to the
    leader role (:class:`~grievance_rules.model.enums.LeaderRole` value) of the
    unit holding the order who is told at that level, e.g. 江岸区's 黄灯 to the
    分管领导 and 红灯 to the 主要领导. Empty: the pack names nobody.
    """

    roles: dict[str, str] = Field(default_factory=dict)
    basis: Literal["cited", "assumption"] = "assumption"
    source: str | None = None
    """The document the mechanism is taken from (a file in the seeds)."""
    note: str = ""
    note_zh: ZhText | None = None

    @field_validator("roles")
    @classmethod
    def _known_roles(cls, value: dict[str, str]) -> dict[str, str]:
        known = {member.value for member in LeaderRole}
        for level, role in value.items():
            if role not in known:
                raise ValueError(
                    _("notify.roles.{level}: unknown leader role {role}; one of: {known}").format(
                        level=level, role=repr(role), known=join_list(sorted(known))
                    )
                )
        return value


class Manifest(_Decl):
    """``pack.yaml``: what the pack is and what it encodes."""

    id: str
    name: str
    jurisdiction: str
    revision: str
    sources: tuple[Source, ...] = Field(min_length=1)
    effective_from: dt.date
    effective_until: dt.date | None = None
    calendar: Calendar = Calendar()
    week_starts: Literal["monday", "sunday"] = "monday"
    month_starts_on: int = Field(default=1, ge=1, le=28)
    """The day of the month an assessment month starts on (1: calendar months)."""
    scoring: Scoring = Scoring()
    rule_files: tuple[str, ...] = ("rules/*.yaml",)
    parameters_file: str = "parameters.yaml"
    limitations: tuple[str, ...] = ()
    """What the pack does not do, in plain words (shown in its README)."""
    limitations_zh: tuple[ZhText, ...] = ()
    """The limitations in Chinese, one for each English one, in the same order."""
    notify: Notify = Notify()
    """Whom each warning level calls for (the watch list's 黄红灯 notices)."""

    @field_validator("id")
    @classmethod
    def _valid_id(cls, value: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_\-]{0,63}", value):
            raise ValueError(_("a pack id is 1 to 64 lower-case letters, digits, '_' or '-'"))
        return value

    @model_validator(mode="after")
    def _limitations_paired(self) -> Manifest:
        if self.limitations_zh and len(self.limitations_zh) != len(self.limitations):
            raise ValueError(
                ngettext(
                    "limitations_zh has {zh} entry and limitations {en}: give one Chinese "
                    "entry for each English one, in the same order (or none)",
                    "limitations_zh has {zh} entries and limitations {en}: give one Chinese "
                    "entry for each English one, in the same order (or none)",
                    len(self.limitations_zh),
                ).format(zh=len(self.limitations_zh), en=len(self.limitations))
            )
        return self

    @field_validator("revision")
    @classmethod
    def _valid_revision(cls, value: str) -> str:
        # the revision is part of the pack's key (id@revision), which names the rule
        # engine's namespace and the reports' columns: no spaces, '$', '@' or '#'
        if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._+\-]{0,63}", value):
            raise ValueError(
                _(
                    "a revision is 1 to 64 letters, digits, '.', '_', '+' or '-', starting "
                    "with a letter or digit (e.g. 2024 or 2023-05-19), got {value}"
                ).format(value=repr(value))
            )
        return value
