"""One synthetic order's history, built event by event in time order.

:class:`OrderBuilder` is the generator's worker: given the receipt instant and
the run's state (a :class:`~grievance_rules.samples.generator.Generator`: its
random draws, units, office clock and repeat threads), it decides what happens
to the order, as the rates of :class:`~grievance_rules.samples.mix.Mix` say,
and returns the plain record a :class:`~grievance_rules.model.WorkOrder` is
validated from. The steps are described in ``docs/model.md`` ("Sample data",
"A history").

Events of the handling run on a cursor: each comes at or after the one before,
so the history is in time order by construction; upstream events that happen
on their own schedule (a 电话督办 at a missed deadline, a 批示督办) are placed
at their own instant, and the record's events are sorted (stably) at the end.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
import random
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from grievance_rules.samples.clock import OFFICE_DAY_MINUTES
from grievance_rules.samples.mix import Weights
from grievance_rules.samples.topics import Topic, topics_for
from grievance_rules.samples.units import STREET_NAME

if TYPE_CHECKING:
    from grievance_rules.samples.generator import Generator

__all__ = ["CONTACT_METHODS", "OrderBuilder", "Pick", "Thread", "add_months"]

_CST = dt.timezone(dt.timedelta(hours=8))  # Shanghai: no daylight saving since 1991
_DAY = OFFICE_DAY_MINUTES


def _letter_limit(supervised: dt.datetime) -> int:
    """The working days a 公函督办 gives to finish (限时办结): 1 to 5, by its minute.

    Varied by the letter's instant, not drawn, so that adding the time limit left every
    other draw, and every other order, as it was.
    """
    return 1 + supervised.minute % 5


_CLOSING = dt.time(17, 30)

_REASONS_RETURN = (
    "不属于本单位职责范围",
    "事发地点不在本辖区",
    "属市级部门监管事项",
    "诉求已由其他部门办理",
)
_REASONS_CONTINUATION = ("需协调区住建局", "需多部门联合处置", "涉及维修资金申请", "需等待施工周期")
_REASONS_EXTENSION = ("诉求情形复杂", "涉及多个承办单位", "需调查取证")
_REASONS_EXCLUDED = ("诉求人恶意投诉", "超出街道职责的政策性诉求", "重复工单已合并办理")
_REASONS_REDO = ("回访不满意", "问题未解决", "回复内容与诉求不符")
_EVIDENCE_SETS = (
    ("photo",),
    ("photo",),
    ("photo", "audio"),
    ("audio",),
    ("policy_basis",),
    ("photo", "policy_basis"),
    ("video",),
)
CONTACT_METHODS: Weights = (
    ("phone", 0.7),
    ("on_site", 0.15),
    ("in_person", 0.1),
    ("message", 0.05),
)
_REPLY_FIELDS = ("kind", "evidence", "round", "face_to_face", "signatures")  # model order
_UNHAPPY = frozenset(
    {"result_unsatisfied", "process_unsatisfied", "both_unsatisfied", "unresolved"}
)


class Pick:
    """A weighted choice over a :data:`Weights` table."""

    __slots__ = ("cumulative", "total", "values")

    def __init__(self, table: Weights) -> None:
        self.values = [value for value, _ in table]
        self.cumulative = list(itertools.accumulate(weight for _, weight in table))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        """One value, drawn with ``rng``."""
        i = bisect.bisect_right(self.cumulative, rng.random() * self.total)
        return self.values[min(i, len(self.values) - 1)]


@dataclass
class Thread:
    """An issue that comes back: the same complainant again, or neighbours."""

    issue: str
    complainant: str | None
    shared: bool
    topic: Topic
    category: str
    handler: str
    location: dict[str, str]
    remaining: int
    reports: int = 1


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` months later (the month's last day if it is shorter)."""
    year, month = divmod(day.month - 1 + months, 12)
    year += day.year
    month += 1
    last = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


class OrderBuilder:
    """One order's history, built in time order."""

    def __init__(self, gen: Generator, order_id: str, received: dt.datetime) -> None:
        self.g = gen
        self.rng = gen.rng
        self.mix = gen.mix
        self.order_id = order_id
        self.received = received
        self.cursor = received
        self.events: list[tuple[dt.datetime, int, dict[str, Any]]] = []
        self.used: set[str] = set()
        self.flags: list[str] = []
        self.specials: list[str] = []
        self.handler = ""
        self.dispatcher = ""
        self.unhappy = 0
        self.callbacks = 0
        self.round = 1
        self.tendency = False
        self.face_next = False
        self.struck = False
        self.reply_deadline: dt.datetime | None = None

    # -- events ----------------------------------------------------------------------

    def ev(self, type_: str, at: dt.datetime, unit: str | None, **fields: Any) -> dt.datetime:
        """Add an event at ``at`` or, if earlier, at the last event's instant."""
        at = max(at, self.cursor)
        self.cursor = at
        self._append(type_, at, unit, fields)
        return at

    def side(self, type_: str, at: dt.datetime, unit: str, **fields: Any) -> None:
        """Add an upstream event at its own instant, not moving the cursor."""
        self._append(type_, max(at, self.received), unit, fields)

    def _append(
        self, type_: str, at: dt.datetime, unit: str | None, fields: dict[str, Any]
    ) -> None:
        record: dict[str, Any] = {"type": type_, "at": at}
        if unit is not None:
            record["unit"] = unit
            self.used.add(unit)
        for name, value in fields.items():
            if value is None:
                continue
            record[name] = value
            if name in (
                "to_unit",
                "from_unit",
                "requester",
                "subject_unit",
                "for_unit",
                "approved_by",
                "requested_by",
            ):
                self.used.add(value)
        self.events.append((at, len(self.events), record))

    def next(self, at: dt.datetime) -> dt.datetime:
        """``at``, or the last event's instant if that is later."""
        return max(at, self.cursor)

    def chance(self, probability: float) -> bool:
        """Whether an event of this probability happens."""
        return self.rng.random() < probability

    def between(self, low: float, high: float) -> float:
        """A number drawn uniformly from ``low`` to ``high``."""
        return self.rng.uniform(low, high)

    # -- the order -------------------------------------------------------------------

    def build(self) -> dict[str, Any]:
        """Decide the order's life; the plain record, keys in the model's field order."""
        g, rng, mix = self.g, self.rng, self.mix
        registry = g.registry
        thread = g.due_thread(self.received)
        channel = g.pick_channel(rng)
        urgency = g.pick_urgency(rng)
        if thread is not None:
            category, topic = thread.category, thread.topic
        else:
            category = g.pick_category(rng)
            topic = rng.choice(topics_for(category))
        self.special_kinds(channel, thread)
        disposition = None if thread is not None else self.disposition(category)
        if thread is not None:
            complainant = thread.complainant if not thread.shared else g.complainant_key()
            issue = thread.issue
            self.handler = thread.handler
            location = thread.location
            summary = f"再次反映：{topic.summary}"
            self.flags.append("repeat")
        else:
            complainant = None if self.chance(mix.anonymous) else g.complainant_key()
            issue = f"I{self.order_id}"
            self.handler = self.choose_handler(topic)
            location = self.location()
            summary = topic.summary
        if disposition is None:
            self.handle(channel, urgency, topic, thread)
            if thread is None:
                thread = self.maybe_thread(issue, complainant, topic, category, location)
            if thread is not None:
                g.schedule(thread, self.received)
        else:
            self.dispose(disposition)
        # keys in the model's field order: the written line is what order_line() writes
        record: dict[str, Any] = {"id": self.order_id, "channel": channel, "category": category}
        if urgency != "normal":
            record["urgency"] = urgency
        if self.specials:
            record["special_kinds"] = self.specials
        record["received_at"] = self.received
        if self.reply_deadline is not None:
            record["reply_deadline"] = self.reply_deadline
        if complainant is not None:
            record["complainant"] = complainant
        record["issue"] = issue
        record["summary"] = summary
        record["location"] = location
        if self.flags:
            record["flags"] = self.flags
        rank = registry.rank
        record["units"] = [registry[uid] for uid in sorted(self.used, key=rank.__getitem__)]
        events = sorted(self.events, key=lambda item: (item[0], item[1]))
        cut = g.as_of
        record["events"] = [e for at, _, e in events if cut is None or at <= cut]
        return record

    def special_kinds(self, channel: str, thread: Thread | None) -> None:
        """Draw the order's special kinds (接诉即办件, 随身拍 ...)."""
        mix, specials = self.mix, self.specials
        if self.chance(mix.respond_at_once):
            specials.append("respond_at_once")
        if channel in ("app", "wechat", "grid_staff") and self.chance(mix.snapshot):
            specials.append("snapshot")
        if self.chance(mix.city_review):
            specials.append("city_review")
        if self.chance(mix.planned_completion):
            specials.append("planned_completion")
        if self.chance(mix.hot_issue):
            specials.append(self.rng.choice(("leader_signed", "media_exposed")))
        if self.chance(mix.legacy_issue):
            specials.append("legacy_issue")
        if thread is not None and thread.shared:
            specials.append("group_issue")

    def disposition(self, category: str) -> str | None:
        """How the hotline settles a first report itself, if it does."""
        mix = self.mix
        if category in ("consultation", "suggestion") and self.chance(mix.online_answer):
            return "answered_online"
        if self.chance(mix.transferred_out):
            return "transferred_out"
        if self.chance(mix.not_accepted):
            return "not_accepted"
        return None

    def dispose(self, disposition: str) -> None:
        """An order the hotline settles itself: flagged, never dispatched."""
        self.flags.append(disposition)
        centre = self.g.registry.district.id
        at = self.received + dt.timedelta(minutes=round(self.between(2, 15)))
        if disposition == "answered_online":
            self.ev("closed", at, centre, outcome="explained")
        elif disposition == "not_accepted":
            self.ev("closed", at, centre, outcome="not_accepted")

    def choose_handler(self, topic: Topic) -> str:
        """The first handling unit: a kind by the rates, then the topic's unit."""
        registry, rng = self.g.registry, self.rng
        kind = self.g.pick_handler_kind(rng)
        if kind == "village_community":
            return rng.choice(registry.villages).id
        if kind == "street_office":
            return topic.office
        if kind == "city_department":
            return topic.department
        return rng.choice(registry.workstations).id

    def location(self) -> dict[str, str]:
        """Where the problem is: an address in one of the villages."""
        village = self.rng.choice(self.g.registry.villages).name
        return {
            "address": f"{STREET_NAME}{village}{self.rng.randint(1, 60)}号",
            "area": f"{STREET_NAME}{village}",
        }

    def maybe_thread(
        self,
        issue: str,
        complainant: str | None,
        topic: Topic,
        category: str,
        location: dict[str, str],
    ) -> Thread | None:
        """Start a repeat thread on this issue, as the rates say (or not)."""
        mix, rng = self.mix, self.rng
        if complainant is not None and self.chance(mix.recurring_issue):
            return Thread(
                issue,
                complainant,
                False,
                topic,
                category,
                self.handler,
                location,
                remaining=rng.randint(1, 4),
            )
        if self.chance(mix.shared_issue):
            return Thread(
                issue,
                None,
                True,
                topic,
                category,
                self.handler,
                location,
                remaining=rng.randint(2, 4),
            )
        return None

    # -- handling --------------------------------------------------------------------

    def handle(self, channel: str, urgency: str, topic: Topic, thread: Thread | None) -> None:
        """Dispatch the order and play its handling out."""
        g, mix = self.g, self.mix
        registry = g.registry
        street = self.handler in g.street_ids
        self.dispatcher = registry.dispatch.id if street else registry.city.id
        received = self.received
        if self.handler in g.village_ids | g.office_ids and self.chance(mix.proactive):
            self.ev("proactive_handling", received + self.minutes(5, 60), self.handler)
        urgent = urgency in ("urgent", "immediate")
        if not g.in_office(received) and urgent:
            dispatch_at = received + self.minutes(5, 25)
        else:
            dispatch_at = g.office(received, self.between(5, 45))
        dispatched = self.ev("dispatched", dispatch_at, self.dispatcher, to_unit=self.handler)
        limit = self.time_limit(channel, urgency)
        if "snapshot" in self.specials:
            self.reply_deadline = dispatched + dt.timedelta(days=3)
        else:
            self.reply_deadline = g.office(dispatched, limit * _DAY)
        if street and self.chance(mix.joint_dispatch):
            self.specials.append("joint_dispatch")
            self.ev("dispatched", dispatched, registry.city.id, to_unit=topic.department)
            self.ev("signed_for", dispatched + self.minutes(5, 40), topic.department)
        self.supervise_early(dispatched, thread)
        night = urgency == "urgent" and not g.in_office(dispatched)
        if night:
            since = self.night_duty(dispatched)
        else:
            since = self.route(dispatched, topic)
            self.first_contact(since)
        if "respond_at_once" in self.specials:
            self.same_day_reply(dispatched)
        if self.chance(mix.no_reply):
            return
        self.reply_and_callbacks(since, limit, urgency)

    def minutes(self, low: float, high: float) -> dt.timedelta:
        """A whole number of minutes drawn from ``low`` to ``high``."""
        return dt.timedelta(minutes=round(self.between(low, high)))

    def time_limit(self, channel: str, urgency: str) -> int:
        """The order's reply time limit in working days."""
        if urgency == "immediate":
            return 1
        if (
            "respond_at_once" in self.specials
            or channel == "provincial_hotline"
            or urgency == "urgent"
            or "snapshot" in self.specials
        ):
            return 2
        if urgency == "semi_urgent" or "city_review" in self.specials:
            return 3
        return 5

    def supervise_early(self, dispatched: dt.datetime, thread: Thread | None) -> None:
        """批示督办 of hot issues and 现场督办 of issues reported a third time."""
        g, mix = self.g, self.mix
        city = g.registry.city.id
        hot = "leader_signed" in self.specials or "media_exposed" in self.specials
        if hot and self.chance(mix.instruction_supervision):
            self.side(
                "supervision",
                g.office(dispatched, self.between(30, 400)),
                city,
                level="city",
                mode="instruction",
                reason="hot_issue",
                to_unit=self.handler,
            )
        if thread is not None:
            thread.reports += 1
            if thread.reports >= 3 and self.chance(mix.onsite_supervision):
                self.side(
                    "supervision",
                    g.office(dispatched, self.between(60, 900)),
                    city,
                    level="city",
                    mode="on_site",
                    reason="repeated",
                    to_unit=self.handler,
                )

    def night_duty(self, dispatched: dt.datetime) -> dt.datetime:
        """An urgent order after hours: the duty team signs, calls and feeds back."""
        handler = self.handler
        self.ev("signed_for", dispatched + self.minutes(2, 10), handler)
        self.ev("first_contact", dispatched + self.minutes(3, 15), handler, method="phone")
        if self.chance(self.mix.night_urgent_within_hour):
            at = dispatched + self.minutes(20, 58)
        else:
            at = self.g.office(dispatched, self.between(15, 180))
        self.reply(at, kind="preliminary")
        return dispatched

    def receive(self, unit: str, since: dt.datetime) -> None:
        """The unit signs for the order, on time, late or not at all."""
        mix, rng = self.mix, self.rng
        draw = rng.random()
        if draw < mix.no_sign_off:
            return
        if draw < mix.no_sign_off + mix.late_sign_off:
            self.ev("signed_for", self.g.office(since, self.between(430, 1300)), unit)
        else:
            self.ev("signed_for", self.g.office(since, self.between(3, 240)), unit)

    def route(self, dispatched: dt.datetime, topic: Topic) -> dt.datetime:
        """Returns and reassignment; the instant the final unit got the order."""
        g, mix, registry = self.g, self.mix, self.g.registry
        handler = self.handler
        if self.chance(mix.return_request):
            if self.chance(0.6):  # 接诉即联: contact first, then confirm accept or return
                self.first_contact(dispatched, on_time=True)
            decided, approved = self.request_return(handler, dispatched, second=False)
            if not approved:
                self.receive(handler, decided)
                if self.chance(mix.buck_passing):
                    self.find_buck_passing(handler, decided)
                return decided
            if handler in g.street_ids:
                new, centre = topic.department, registry.district.id
            else:
                new, centre = self.rng.choice(registry.villages).id, registry.city.id
            moved = self.ev(
                "reassigned",
                g.office(decided, self.between(5, 60)),
                centre,
                from_unit=handler,
                to_unit=new,
                reason="退单审核通过，重新派单",
            )
            self.take_over(new)
            if self.chance(mix.second_return):
                decided, _ = self.request_return(new, moved, second=True)
                if self.chance(mix.buck_passing):
                    self.find_buck_passing(new, decided)
                self.receive(new, decided)
                return decided
            self.receive(new, moved)
            return moved
        self.receive(handler, dispatched)
        if handler in g.street_ids and self.chance(mix.internal_reassign):
            if self.chance(0.6):
                self.first_contact(dispatched, on_time=True)
            street_office = handler == topic.office
            new = self.rng.choice(registry.villages).id if street_office else topic.office
            moved = self.ev(
                "reassigned",
                g.office(self.cursor, self.between(30, 400)),
                registry.dispatch.id,
                from_unit=handler,
                to_unit=new,
                reason="非本单位职责，按主要领导签批意见改派",
                decided_by="main_leader",
            )
            self.take_over(new)
            self.receive(new, moved)
            return moved
        return dispatched

    def take_over(self, unit: str) -> None:
        """``unit`` handles the order from now on; the street or the city oversees it."""
        registry = self.g.registry
        self.handler = unit
        street = unit in self.g.street_ids
        self.dispatcher = registry.dispatch.id if street else registry.city.id

    def request_return(
        self, unit: str, since: dt.datetime, *, second: bool
    ) -> tuple[dt.datetime, bool]:
        """A return request and its decision: (when decided, whether approved)."""
        g, mix, rng = self.g, self.mix, self.rng
        timing = "two_days" if second else g.pick_return_timing(rng)
        if timing == "half_day":
            at = g.office(since, self.between(10, 200))
        elif timing == "two_days":
            at = g.office(since, self.between(215, 820))
        else:
            at = g.office(since, self.between(850, 2100))
        reason = "" if self.chance(mix.return_without_reason) else rng.choice(_REASONS_RETURN)
        fields: dict[str, Any] = {"reason": reason}
        if reason and self.chance(0.6):
            fields["evidence"] = [{"kind": "written_statement"}, {"kind": "photo"}][
                : rng.randint(1, 2)
            ]
        if self.chance(0.7):
            fields["suggested_unit"] = g.registry[self.suggested(unit)].name
        fields["signatures"] = self.return_signatures(unit)
        requested = self.ev("return_requested", at, unit, **fields)
        decider = g.registry.district.id if unit in g.street_ids else g.registry.city.id
        good = bool(reason) and timing != "late"
        approved = (not second) and self.chance(mix.return_approved if good else 0.1)
        decided = self.ev(
            "return_decided",
            g.office(requested, self.between(20, 300)),
            decider,
            decision="approved" if approved else "refused",
            requester=unit,
            reason="" if approved else ("超期不予回退" if timing == "late" else "应继续办理"),
        )
        return decided, approved

    def suggested(self, unit: str) -> str:
        """Where a returning unit suggests the order should go."""
        registry = self.g.registry
        if unit in self.g.street_ids:
            return self.rng.choice(registry.departments).id
        return self.rng.choice(registry.offices).id

    def return_signatures(self, unit: str) -> list[str]:
        """Who signed a return request (分管/挂包领导 and 主要领导, or fewer)."""
        draw = self.rng.random()
        if draw < 0.25:
            return []
        if unit in self.g.village_ids:
            return ["liaison_leader", "main_leader"] if draw < 0.7 else ["party_secretary"]
        if unit in self.g.office_ids:
            return ["leader_in_charge", "main_leader"] if draw < 0.7 else ["department_head"]
        return ["department_head"]

    def find_buck_passing(self, unit: str, since: dt.datetime) -> None:
        """A 推诿 finding against ``unit``, maybe supervised and referred."""
        g, mix, registry = self.g, self.mix, self.g.registry
        found = self.ev(
            "buck_passing_found",
            g.office(since, self.between(60, 900)),
            self.dispatcher,
            subject_unit=unit,
        )
        if self.chance(mix.poor_handling_supervision):
            street = unit in g.street_ids
            # (the event's instant: not before the last event's, as ``ev`` places it)
            supervised = max(g.office(found, self.between(30, 300)), self.cursor)
            self.ev(
                "supervision",
                supervised,
                registry.district.id if street else registry.city.id,
                level="district" if street else "city",
                mode="letter",
                reason="buck_passing",
                to_unit=unit,
                deadline=g.closing(supervised, _letter_limit(supervised)),  # 限时办结
            )
        if self.chance(mix.referral):
            self.ev(
                "referred",
                g.office(found, self.between(60, 1500)),
                self.dispatcher,
                to_unit=registry.city_discipline.id,
                reason="推诿扯皮难以交办",
            )

    def first_contact(self, since: dt.datetime, *, on_time: bool = False) -> None:
        """先行联系 by the handling unit: on time, late or not at all (unless ``on_time``)."""
        mix, draw = self.mix, self.rng.random()
        if on_time:
            draw = 1.0
        elif draw < mix.no_first_contact:
            return
        method = self.g.pick_contact(self.rng)
        if draw < mix.no_first_contact + mix.late_first_contact:
            at = self.g.office(since, self.between(430, 1300))
        else:
            at = self.g.office(since, self.between(5, 300))
        self.ev("first_contact", at, self.handler, method=method)

    def same_day_reply(self, dispatched: dt.datetime) -> None:
        """接诉即办: a first reply the same day (by closing time), or later."""
        g = self.g
        day = dispatched.date()
        if g.clock.is_working_day(day) and dispatched.time() < _CLOSING:
            closing = dt.datetime.combine(day, _CLOSING, _CST)
        else:
            closing = g.closing(dispatched, 1)
        if self.chance(self.mix.same_day_first_reply):
            begin = max(self.cursor, dispatched) + dt.timedelta(minutes=5)
            span = (closing - begin).total_seconds() / 60
            at = begin + dt.timedelta(minutes=round(self.between(0, span))) if span > 0 else closing
        else:
            at = g.office(closing, self.between(20, 400))
        self.reply(at, kind="preliminary")

    # -- replies and callbacks -------------------------------------------------------

    def reply(
        self, at: dt.datetime, *, kind: str = "substantive", face: bool = False
    ) -> dt.datetime:
        """A reply by the handling unit, reviewed unless preliminary; the last instant."""
        g, mix, rng = self.g, self.mix, self.rng
        fields: dict[str, Any] = {}
        if kind != "substantive":
            fields["kind"] = kind
        if not self.chance(mix.reply_without_evidence):
            fields["evidence"] = [{"kind": k} for k in rng.choice(_EVIDENCE_SETS)]
        if self.round > 1:
            fields["round"] = self.round
        if face:
            fields["face_to_face"] = True
        if self.chance(0.6):
            fields["signatures"] = [self.reviewer()]
        replied = self.ev("replied", at, self.handler, **fields)
        if kind == "preliminary":
            return replied
        reviewed = g.office(replied, self.between(10, 240))
        if self.chance(mix.reply_sent_back):
            self.ev(
                "reply_reviewed",
                reviewed,
                self.dispatcher,
                approved=False,
                reason="回复内容未回应诉求",
            )
            fields["evidence"] = [{"kind": "photo"}, {"kind": "written_statement"}]
            fields = {name: fields[name] for name in _REPLY_FIELDS if name in fields}
            replied = self.ev(
                "replied", g.office(reviewed, self.between(30, 480)), self.handler, **fields
            )
            reviewed = g.office(replied, self.between(10, 240))
        return self.ev("reply_reviewed", reviewed, self.dispatcher, approved=True)

    def reviewer(self) -> str:
        """The role that reviews the unit's replies (指导员, 分管领导, 部门负责人)."""
        if self.handler in self.g.village_ids:
            return "instructor"
        if self.handler in self.g.office_ids:
            return "leader_in_charge"
        return "department_head"

    def reply_and_callbacks(self, since: dt.datetime, limit: int, urgency: str) -> None:
        """The substantive reply (or a 续报 or 延期 first), callbacks, closure."""
        g, mix = self.g, self.mix
        forced: str | None = None
        redo_first: str | None = None
        if urgency != "immediate" and self.chance(mix.continuation):
            first, committed, outcome = self.continuation(since, limit)
            if outcome == "closed_late":
                reply_at = g.office(committed, self.between(60, 1500))
            else:
                reply_at = g.office(first, 0.3 * g.office_minutes(first, committed))
                forced = "satisfied" if outcome != "redo" else "result_unsatisfied"
                redo_first = "district" if outcome == "redo" else None
        elif self.chance(mix.extension):
            reply_at = self.extension(since, limit)
        else:
            late = self.chance(mix.late_reply)
            if late:
                share = self.between(1.03, 2.2)
            else:
                draw = self.rng.random()
                low, high = (
                    (0.05, 0.3) if draw < 0.35 else (0.3, 0.75) if draw < 0.8 else (0.75, 0.97)
                )
                share = self.between(low, high)
            reply_at = g.office(since, share * limit * _DAY)
            if late and self.chance(mix.phone_supervision):
                street = self.dispatcher == g.registry.dispatch.id
                self.side(
                    "supervision",
                    g.office(since, limit * _DAY + self.between(5, 120)),
                    self.dispatcher,
                    level="street" if street else "city",
                    mode="phone",
                    reason="overdue",
                    to_unit=self.handler,
                )
        kind = g.pick_reply_kind(self.rng)
        last = self.reply(reply_at, kind=kind)
        same_day = last.date() == since.date()
        happy = self.callbacks_and_redos(last, same_day, forced, redo_first)
        self.close(kind, happy)

    def continuation(self, since: dt.datetime, limit: int) -> tuple[dt.datetime, dt.datetime, str]:
        """续报 (once or twice): (the last 续报's instant, its committed deadline, outcome)."""
        g, rng = self.g, self.rng
        at = g.office(since, self.between(0.3, 0.9) * limit * _DAY)
        at = self.reply(at, kind="preliminary")
        committed = g.closing(at, rng.randint(5, 15))
        at = self.ev(
            "continuation",
            at,
            self.handler,
            committed_deadline=committed,
            reason=rng.choice(_REASONS_CONTINUATION),
        )
        outcome = g.pick_continuation(rng)
        if outcome == "second":
            at = max(self.cursor, g.office(committed, self.between(10, 600)))
            committed = g.closing(at, rng.randint(5, 10))
            at = self.ev(
                "continuation",
                at,
                self.handler,
                committed_deadline=committed,
                reason=rng.choice(_REASONS_CONTINUATION),
            )
        return at, committed, outcome

    def extension(self, since: dt.datetime, limit: int) -> dt.datetime:
        """延期: requested, maybe granted; the instant the reply is due to come."""
        g, mix, rng = self.g, self.mix, self.rng
        at = max(self.cursor, g.office(since, self.between(2, 4.5) * _DAY))
        days = rng.randint(32, 40) if self.chance(mix.extension_over_cap) else rng.randint(8, 25)
        wanted = g.closing(at, days)
        at = self.ev(
            "extension_requested",
            at,
            self.handler,
            requested_deadline=wanted,
            reason=rng.choice(_REASONS_EXTENSION),
        )
        if not self.chance(mix.extension_granted):
            return g.office(since, self.between(0.9, 1.6) * limit * _DAY)
        granted = self.next(g.office(at, self.between(30, 480)))
        self.ev(
            "extension_granted",
            granted,
            self.dispatcher,
            new_deadline=max(wanted, granted),
            for_unit=self.handler,
        )
        if self.chance(mix.late_reply):
            return g.office(wanted, self.between(30, 900))
        return g.office(granted, self.between(0.2, 0.9) * g.office_minutes(granted, wanted))

    def callbacks_and_redos(
        self, last: dt.datetime, same_day: bool, forced: str | None, redo_first: str | None
    ) -> bool | None:
        """Callbacks, and the second handlings they lead to; whether the last was happy.

        ``None``: no callback was made.
        """
        g, mix, registry = self.g, self.mix, self.g.registry
        if self.chance(mix.no_callback):
            return None
        if same_day and self.chance(mix.unit_first_callback):
            last = self.callback(g.office(last, self.between(30, 300)), self.handler, "satisfied")
        while True:
            if forced is not None:
                verdict, forced = forced, None
            else:
                pick = g.pick_first_verdict if self.round == 1 else g.pick_later_verdict
                verdict = pick(self.rng)
            at = g.office(last, self.between(60, 1200))
            last = self.callback(at, self.dispatcher, verdict)
            if verdict == "not_reached":
                verdict = g.pick_later_verdict(self.rng)
                last = self.callback(
                    g.office(last, self.between(60, 600)),
                    self.dispatcher,
                    verdict if verdict != "not_reached" else "basically_satisfied",
                )
            unhappy = verdict in _UNHAPPY
            if not unhappy and not self.tendency:
                return True
            if unhappy:
                self.unhappy += 1
                if self.chance(mix.strike_off):
                    self.struck = True
                    city = registry.city.id
                    self.ev(
                        "struck_off",
                        g.office(last, self.between(420, 1300)),
                        city,
                        requested_by=self.handler,
                        approved_by=city,
                        reason="诉求不合理",
                        signatures=["main_leader"],
                    )
                    return False
                if self.unhappy == 2:
                    last = self.after_second_unhappy(last)
            if self.round >= mix.max_rounds:
                return not unhappy
            level = redo_first or ("street" if not unhappy else g.pick_redo(self.rng))
            redo_first = None
            if level == "none":
                return False
            last = self.redo(last, level)

    def callback(self, at: dt.datetime, unit: str, verdict: str) -> dt.datetime:
        """A callback by ``unit`` finding ``verdict``; its instant."""
        mix, rng = self.mix, self.rng
        self.callbacks += 1
        fields: dict[str, Any] = {"round": self.callbacks} if self.callbacks > 1 else {}
        self.tendency = False
        if verdict == "not_reached":
            fields["reached"] = False
        else:
            fields["reached"] = True
            fields["contacted"] = not self.chance(mix.not_contacted)
            fields.update(self.ratings(verdict))
            self.tendency = bool(fields.get("dissatisfaction_tendency"))
        fields["method"] = self.g.pick_method(rng)
        return self.ev("callback", at, unit, **fields)

    def ratings(self, verdict: str) -> dict[str, Any]:
        """The callback's ratings for a verdict."""
        rng, chance = self.rng, self.chance
        s, b, d = "satisfied", "basically_satisfied", "dissatisfied"
        if verdict == "satisfied":
            return {
                "resolved": True,
                "process_satisfaction": s,
                "result_satisfaction": s,
                "satisfaction": s,
                "trust": "trusting",
            }
        if verdict == "basically_satisfied":
            return {
                "resolved": True,
                "process_satisfaction": rng.choice((s, b)),
                "result_satisfaction": b,
                "satisfaction": b,
                "trust": "basically_trusting",
                "dissatisfaction_tendency": chance(self.mix.tendency_when_basic),
            }
        if verdict == "result_unsatisfied":
            return {
                "resolved": not chance(0.7),
                "process_satisfaction": rng.choice((s, b)),
                "result_satisfaction": d,
                "satisfaction": d,
                "trust": rng.choice(("basically_trusting", "distrusting")),
                "dissatisfaction_tendency": True,
            }
        if verdict == "process_unsatisfied":
            return {
                "resolved": chance(0.6),
                "process_satisfaction": d,
                "result_satisfaction": b,
                "satisfaction": d,
                "trust": "distrusting",
                "dissatisfaction_tendency": True,
            }
        if verdict == "both_unsatisfied":
            return {
                "resolved": False,
                "process_satisfaction": d,
                "result_satisfaction": d,
                "satisfaction": d,
                "trust": "distrusting",
                "dissatisfaction_tendency": True,
            }
        return {
            "resolved": False,
            "process_satisfaction": rng.choice((s, b)),
            "result_satisfaction": b,
            "satisfaction": b,
            "trust": "basically_trusting",
            "dissatisfaction_tendency": chance(0.5),
        }

    def after_second_unhappy(self, last: dt.datetime) -> dt.datetime:
        """提级办理, 督办 for poor handling, and a face-to-face next reply."""
        g, mix, registry = self.g, self.mix, self.g.registry
        if self.chance(mix.escalate):
            lead = "liaison_leader" if self.handler in g.village_ids else "leader_in_charge"
            last = self.ev(
                "escalated",
                g.office(last, self.between(60, 900)),
                self.handler,
                reason="repeatedly_unsatisfied",
                form_filed=self.chance(0.8),
                signatures=[lead, "main_leader"],
            )
        if self.chance(mix.poor_handling_supervision):
            city = self.handler not in g.street_ids or self.chance(0.25)
            supervised = max(g.office(last, self.between(30, 600)), self.cursor)
            mode = self.rng.choice(("letter", "meeting", "phone"))
            last = self.ev(
                "supervision",
                supervised,
                registry.city.id if city else registry.district.id,
                level="city" if city else "district",
                mode=mode,
                reason="poor_handling",
                to_unit=self.handler,
                # 公函督办 限时办结: a letter sets its time limit
                **(
                    {"deadline": g.closing(supervised, _letter_limit(supervised))}
                    if mode == "letter"
                    else {}
                ),
            )
        self.face_next = self.chance(mix.face_to_face)
        return last

    def redo(self, last: dt.datetime, level: str) -> dt.datetime:
        """A second handling: ordered by the street, the district or the city, then replied."""
        g, mix, registry, rng = self.g, self.mix, self.g.registry, self.rng
        if level == "city":
            by = registry.city.id
        elif level == "district" and self.handler in g.street_ids:
            by = registry.district.id
        else:
            level, by = (
                ("street", registry.dispatch.id)
                if self.handler in g.street_ids
                else ("city", registry.city.id)
            )
        started = last
        ordered = self.ev(
            "redo_ordered",
            g.office(last, self.between(10, 240)),
            by,
            level=level,
            to_unit=self.handler,
            reason=rng.choice(_REASONS_REDO),
            in_writing=level == "city",
        )
        if level == "city" and self.chance(mix.letter_supervision):
            supervised = self.next(g.office(ordered, self.between(30, 300)))
            self.ev(
                "supervision",
                supervised,
                by,
                level="city",
                mode="letter",
                reason="poor_quality",
                to_unit=self.handler,
                deadline=g.closing(supervised, 5),
            )
        self.round += 1
        if self.chance(mix.late_second_handling):
            share = self.between(1.05, 2.0)
        else:
            share = self.between(0.2, 0.95)
        at = g.office(started, share * 3 * _DAY)
        face, self.face_next = self.face_next, False
        return self.reply(at, kind="face_to_face" if face else "substantive", face=face)

    def close(self, kind: str, happy: bool | None) -> None:
        """办结, then maybe 不纳入测评 and the 区通报 deduction."""
        g, mix, registry = self.g, self.mix, self.g.registry
        if self.chance(mix.left_open):
            return
        if self.struck:
            outcome = "handled_lawfully"
        elif kind == "on_account":
            outcome = "on_account"
        elif kind == "explanation" or not happy:
            outcome = "explained"
        else:
            outcome = "resolved"
        closed = self.ev(
            "closed", g.office(self.cursor, self.between(5, 120)), self.dispatcher, outcome=outcome
        )
        if self.chance(mix.excluded):
            self.flags.append("excluded_from_assessment")
            street = self.dispatcher == registry.dispatch.id
            self.ev(
                "excluded",
                g.office(closed, self.between(60, 1200)),
                self.dispatcher,
                approved_by=registry.district.id if street else registry.city.id,
                reason=self.rng.choice(_REASONS_EXCLUDED),
                signatures=["main_leader"],
            )
        if "planned_completion" in self.specials and self.chance(mix.external_deduction):
            month = add_months(closed.date().replace(day=1), 1)
            notice = g.office(dt.datetime.combine(month, dt.time(9), _CST), 60 + 3 * _DAY)
            self.ev(
                "external_deduction",
                notice,
                registry.district.id,
                subject_unit=self.handler,
                points=-float(self.rng.choice((1, 2))),
                source=f"区政府市民投诉中心{month.year}年{month.month}月通报",
                reason="计划性办结工单未按计划解决",
            )
