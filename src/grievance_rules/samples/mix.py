"""The mix of the synthetic orders: every rate the generator draws from, named.

:class:`Mix` holds the rates. Each is a probability (of the orders it applies
to, as its description says) or a table of weights (normalised when drawn).
The defaults follow what the source documents describe as normal work: most
orders are answered on time and rated satisfied; a minority is returned, late,
rated unsatisfied, redone, continued (续报), supervised or escalated, often
enough that every rule of the three built-in packs has something to find in a
few thousand orders. They are plausible, not measured: no public data set
gives a street's figures.

``rate_table()`` renders the rates as the Markdown table in ``docs/model.md``
("Sample data").

Example:
    >>> mix = Mix()
    >>> mix.return_request, dict(mix.urgencies)["urgent"]
    (0.06, 0.07)
    >>> Mix(late_reply=1.5)
    Traceback (most recent call last):
    ...
    grievance_rules.samples.mix.SampleConfigError: Mix.late_reply: 1.5 is not a probability (0 to 1)
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any

from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list
from grievance_rules.model import (
    CallbackMethod,
    Category,
    Channel,
    RedoLevel,
    ReplyKind,
    UnitKind,
    Urgency,
)

__all__ = ["VERDICTS", "Mix", "SampleConfigError", "Weights", "rate_table"]

Weights = tuple[tuple[str, float], ...]
"""Weights by value: ``(("complaint", 0.5), ("help_request", 0.2), ...)``."""

VERDICTS = (
    "satisfied",
    "basically_satisfied",
    "result_unsatisfied",
    "process_unsatisfied",
    "both_unsatisfied",
    "unresolved",
    "not_reached",
)
"""What a callback finds. ``satisfied``/``basically_satisfied``: 满意/基本满意, resolved;
``result_unsatisfied``, ``process_unsatisfied``, ``both_unsatisfied``: 结果/过程/两者不满意;
``unresolved``: 问题未解决 with a 基本满意 rating; ``not_reached``: the complainant
could not be reached (no rating)."""


class SampleConfigError(GrievanceRulesError, ValueError):
    """A generator setting that cannot be used (a rate outside 0–1, a count below 0 ...)."""


def _rate(doc: str, default: float) -> Any:
    return field(default=default, metadata={"doc": doc})


def _doc(text: str) -> dict[str, str]:
    return {"doc": text}


@dataclass(frozen=True)
class Mix:
    """The rates the generator draws from; see each field's description.

    Raises:
        SampleConfigError: a probability outside 0–1, a weight table with a
            negative or non-finite weight, an unknown value, or no positive weight.
    """

    # -- intake ---------------------------------------------------------------------
    channels: Weights = field(
        default=(
            (Channel.HOTLINE_12345.value, 0.62),
            (Channel.PROVINCIAL_HOTLINE.value, 0.06),
            (Channel.CITY_HOTLINE.value, 0.04),
            (Channel.MAYOR_HOTLINE.value, 0.02),
            (Channel.APP.value, 0.08),
            (Channel.WECHAT.value, 0.08),
            (Channel.INTERNET_SUPERVISION.value, 0.03),
            (Channel.GRID_STAFF.value, 0.04),
            (Channel.POLICE_110.value, 0.02),
            (Channel.TAX_HOTLINE_12366.value, 0.01),
        ),
        metadata=_doc("受理渠道 of every order"),
    )
    categories: Weights = field(
        default=(
            (Category.COMPLAINT.value, 0.50),
            (Category.HELP_REQUEST.value, 0.20),
            (Category.CONSULTATION.value, 0.14),
            (Category.REPORT.value, 0.10),
            (Category.SUGGESTION.value, 0.06),
        ),
        metadata=_doc("诉求类型 of every order"),
    )
    urgencies: Weights = field(
        default=(
            (Urgency.NORMAL.value, 0.86),
            (Urgency.SEMI_URGENT.value, 0.05),
            (Urgency.URGENT.value, 0.07),
            (Urgency.IMMEDIATE.value, 0.02),
        ),
        metadata=_doc("紧急程度 of every order"),
    )
    respond_at_once: float = _rate("接诉即办件, of every order", 0.05)
    snapshot: float = _rate("随身拍, of orders from the app, WeChat and grid staff", 0.15)
    city_review: float = _rate("市级复核单, of every order", 0.02)
    planned_completion: float = _rate("计划性办结工单, of every order", 0.01)
    hot_issue: float = _rate("领导签批件 or 媒体曝光 (half each), of every order", 0.006)
    legacy_issue: float = _rate("历史遗留问题, of every order", 0.005)
    received_off_hours: float = _rate(
        "received outside 08:00–18:00, of orders received on a working day", 0.2
    )
    rest_day_volume: float = _rate("a weekend day's volume, relative to a working day's", 0.5)
    holiday_volume: float = _rate("a public holiday's volume, relative to a working day's", 0.4)
    online_answer: float = _rate(
        "answered online by the operator (话务员在线答复, not dispatched), "
        "of consultations and suggestions",
        0.25,
    )
    transferred_out: float = _rate(
        "transferred to another hotline (在线转接, not dispatched), of every order", 0.01
    )
    not_accepted: float = _rate("不予受理 (not dispatched), of every order", 0.01)
    anonymous: float = _rate("no complainant key (anonymous), of every order", 0.03)
    recurring_issue: float = _rate(
        "starts an issue its complainant reports again 1–4 times, 1–9 days apart, of first reports",
        0.03,
    )
    shared_issue: float = _rate(
        "starts an issue 2–4 neighbours report too within days (群体性诉求), of first reports",
        0.005,
    )
    # -- routing --------------------------------------------------------------------
    handler_kinds: Weights = field(
        default=(
            (UnitKind.VILLAGE_COMMUNITY.value, 0.55),
            (UnitKind.STREET_OFFICE.value, 0.30),
            (UnitKind.CITY_DEPARTMENT.value, 0.10),
            (UnitKind.GRID_WORKSTATION.value, 0.05),
        ),
        metadata=_doc("the handling unit's kind, of dispatched first reports"),
    )
    joint_dispatch: float = _rate(
        "联合双派: also dispatched to a city department, of orders handled in the street", 0.03
    )
    proactive: float = _rate(
        "主动承办 before the dispatch, of orders for a village or an office", 0.015
    )
    internal_reassign: float = _rate(
        "misrouted inside the street, reassigned by the dispatch office (签派), "
        "of orders handled in the street",
        0.03,
    )
    return_request: float = _rate("退单申请 by the first handling unit, of dispatched orders", 0.06)
    return_timing: Weights = field(
        default=(("half_day", 0.5), ("two_days", 0.35), ("late", 0.15)),
        metadata=_doc("when a return is asked for after the dispatch, of return requests"),
    )
    return_without_reason: float = _rate("no reason given, of return requests", 0.15)
    return_approved: float = _rate(
        "approved, of return requests made within 2 working days with a reason (others: 0.1)",
        0.6,
    )
    second_return: float = _rate("the next unit asks to return it too, of approved returns", 0.2)
    buck_passing: float = _rate("推诿 found, of refused returns and second returns", 0.3)
    referral: float = _rate("线索移交 to 市纪委监委, of buck-passing findings", 0.3)
    # -- handling -------------------------------------------------------------------
    no_sign_off: float = _rate("no 签收 recorded, of dispatched orders", 0.02)
    late_sign_off: float = _rate("签收 after 1 working day, of dispatched orders", 0.05)
    no_first_contact: float = _rate("no 先行联系 recorded, of dispatched orders", 0.04)
    late_first_contact: float = _rate(
        "先行联系 after 1 working day, of dispatched orders (a late 签收 delays it further)", 0.07
    )
    night_urgent_within_hour: float = _rate(
        "replied within the hour, of urgent orders dispatched outside office hours", 0.7
    )
    same_day_first_reply: float = _rate("first reply the same day, of 接诉即办件", 0.85)
    continuation: float = _rate("续报, of dispatched orders that are not immediate", 0.05)
    continuation_outcomes: Weights = field(
        default=(("closed_in_time", 0.6), ("closed_late", 0.15), ("second", 0.2), ("redo", 0.05)),
        metadata=_doc("what follows a 续报"),
    )
    extension: float = _rate("延期申请, of dispatched orders without a 续报", 0.04)
    extension_granted: float = _rate("granted, of extension requests", 0.85)
    extension_over_cap: float = _rate("asks beyond 30 working days, of extension requests", 0.1)
    late_reply: float = _rate(
        "first substantive reply after its time limit, of dispatched orders", 0.10
    )
    no_reply: float = _rate("never replied (left open), of dispatched orders", 0.01)
    reply_without_evidence: float = _rate("no evidence attached, of replies", 0.12)
    reply_sent_back: float = _rate(
        "sent back on review (回复审核 not passed), of substantive replies", 0.04
    )
    reply_kinds: Weights = field(
        default=(
            (ReplyKind.SUBSTANTIVE.value, 0.82),
            (ReplyKind.EXPLANATION.value, 0.12),
            (ReplyKind.ON_ACCOUNT.value, 0.06),
        ),
        metadata=_doc("kind of the first substantive reply"),
    )
    phone_supervision: float = _rate(
        "电话督办 at the missed time limit, of late first replies", 0.3
    )
    # -- callbacks ------------------------------------------------------------------
    no_callback: float = _rate("no callback, of replied orders", 0.04)
    unit_first_callback: float = _rate(
        "first callback by the handling unit, then the dispatch office's (三（六）), "
        "of orders replied the day they were dispatched",
        0.5,
    )
    callback_methods: Weights = field(
        default=(
            (CallbackMethod.MANUAL.value, 0.85),
            (CallbackMethod.AUTOMATED_VOICE.value, 0.10),
            (CallbackMethod.SMS.value, 0.05),
        ),
        metadata=_doc("how a callback is made"),
    )
    first_verdicts: Weights = field(
        default=(
            ("satisfied", 0.70),
            ("basically_satisfied", 0.13),
            ("result_unsatisfied", 0.05),
            ("process_unsatisfied", 0.03),
            ("both_unsatisfied", 0.03),
            ("unresolved", 0.04),
            ("not_reached", 0.02),
        ),
        metadata=_doc("what the first callback finds"),
    )
    later_verdicts: Weights = field(
        default=(
            ("satisfied", 0.50),
            ("basically_satisfied", 0.20),
            ("result_unsatisfied", 0.08),
            ("process_unsatisfied", 0.04),
            ("both_unsatisfied", 0.06),
            ("unresolved", 0.10),
            ("not_reached", 0.02),
        ),
        metadata=_doc("what a callback after a second handling finds"),
    )
    not_contacted: float = _rate(
        "the complainant says the unit never contacted them, of reached callbacks", 0.03
    )
    tendency_when_basic: float = _rate(
        "不满倾向 noted, of 基本满意 callbacks (always noted on an unsatisfied one)", 0.25
    )
    # -- after an unsatisfied callback ----------------------------------------------
    strike_off: float = _rate(
        "核减 (struck from the unsatisfied count), of unsatisfied callbacks", 0.1
    )
    redo_levels: Weights = field(
        default=(
            (RedoLevel.STREET.value, 0.25),
            (RedoLevel.DISTRICT.value, 0.45),
            (RedoLevel.CITY.value, 0.20),
            ("none", 0.10),
        ),
        metadata=_doc(
            "who sends the order back after an unsatisfied callback (none: closed as it is)"
        ),
    )
    late_second_handling: float = _rate(
        "second handling after 3 working days, of second handlings", 0.2
    )
    letter_supervision: float = _rate(
        "公函督办 with a time limit, of written city redos (书面交办)", 0.3
    )
    escalate: float = _rate("提级办理 with the form, of orders unsatisfied at two callbacks", 0.5)
    face_to_face: float = _rate(
        "the next reply given face to face (面复), of orders unsatisfied at two callbacks", 0.5
    )
    poor_handling_supervision: float = _rate(
        "督办 for poor handling (district, or city for city orders; 1 in 4 city anyway), "
        "of orders unsatisfied at two callbacks",
        0.4,
    )
    max_rounds: int = field(
        default=4, metadata={"doc": "at most this many handlings (the first and the redos)"}
    )
    # -- the rest -------------------------------------------------------------------
    onsite_supervision: float = _rate(
        "现场督办, of third and later reports of one issue in a month", 0.5
    )
    instruction_supervision: float = _rate("批示督办, of 领导签批件 and 媒体曝光 orders", 0.8)
    excluded: float = _rate("不纳入测评, of closed dispatched orders", 0.02)
    external_deduction: float = _rate(
        "区通报 deduction carried on the order, of closed 计划性办结工单", 0.4
    )
    left_open: float = _rate("not closed after the last callback, of replied orders", 0.02)

    def __post_init__(self) -> None:
        for spec in dataclasses.fields(self):
            value = getattr(self, spec.name)
            if spec.name == "max_rounds":
                if not isinstance(value, int) or value < 1:
                    raise SampleConfigError(
                        _("Mix.max_rounds: {value} is not an integer >= 1").format(
                            value=repr(value)
                        )
                    )
            elif isinstance(value, tuple):
                _check_weights(spec.name, value)
            elif not (isinstance(value, int | float) and 0.0 <= value <= 1.0):
                raise SampleConfigError(
                    _("Mix.{name}: {value} is not a probability (0 to 1)").format(
                        name=spec.name, value=repr(value)
                    )
                )


_ALLOWED: dict[str, frozenset[str]] = {
    "channels": frozenset(c.value for c in Channel),
    "categories": frozenset(c.value for c in Category),
    "urgencies": frozenset(u.value for u in Urgency),
    "handler_kinds": frozenset(
        {
            UnitKind.VILLAGE_COMMUNITY.value,
            UnitKind.STREET_OFFICE.value,
            UnitKind.CITY_DEPARTMENT.value,
            UnitKind.GRID_WORKSTATION.value,
        }
    ),
    "return_timing": frozenset({"half_day", "two_days", "late"}),
    "continuation_outcomes": frozenset({"closed_in_time", "closed_late", "second", "redo"}),
    "reply_kinds": frozenset(
        {ReplyKind.SUBSTANTIVE.value, ReplyKind.EXPLANATION.value, ReplyKind.ON_ACCOUNT.value}
    ),
    "callback_methods": frozenset(m.value for m in CallbackMethod),
    "first_verdicts": frozenset(VERDICTS),
    "later_verdicts": frozenset(VERDICTS),
    "redo_levels": frozenset({*(level.value for level in RedoLevel), "none"}),
}


def _check_weights(name: str, table: Weights) -> None:
    allowed = _ALLOWED[name]
    total = 0.0
    for entry in table:
        if not (isinstance(entry, tuple) and len(entry) == 2):
            raise SampleConfigError(
                _("Mix.{name}: {entry} is not a (value, weight) pair").format(
                    name=name, entry=repr(entry)
                )
            )
        value, weight = entry
        if value not in allowed:
            raise SampleConfigError(
                _("Mix.{name}: {value} is not one of {allowed}").format(
                    name=name, value=repr(value), allowed=join_list(sorted(allowed))
                )
            )
        if not (isinstance(weight, int | float) and math.isfinite(weight) and weight >= 0):
            raise SampleConfigError(
                _("Mix.{name}: weight {weight} of {value} is not >= 0").format(
                    name=name, weight=repr(weight), value=repr(value)
                )
            )
        total += weight
    if total <= 0:
        raise SampleConfigError(_("Mix.{name}: no positive weight").format(name=name))


def _cell(value: object) -> str:
    if isinstance(value, tuple):
        total = sum(weight for _, weight in value)
        return ", ".join(f"{key} {weight / total:.0%}" for key, weight in value)
    return f"{value:g}" if isinstance(value, float) else str(value)


def rate_table(mix: Mix | None = None) -> str:
    """The rates as a Markdown table: name, value, what it is a share of.

    Weight tables are shown as shares (normalised).

    Example:
        >>> print(rate_table().splitlines()[5])
        | `respond_at_once` | 0.05 | 接诉即办件, of every order |
    """
    mix = mix or Mix()
    lines = ["| rate | default | of what |", "|---|---|---|"]
    for spec in dataclasses.fields(mix):
        lines.append(
            f"| `{spec.name}` | {_cell(getattr(mix, spec.name))} | {spec.metadata['doc']} |"
        )
    return "\n".join(lines)
