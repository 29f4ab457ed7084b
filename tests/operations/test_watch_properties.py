"""Property: every listed instant is the clock's own level change.

For random dispatch instants and mornings, each level change the watch list lists
is the first instant at which the engine, evaluating the order at that instant,
reports that level: one microsecond earlier it reports a lower one. The instant
is also the one the watch list works out from the clock's arithmetic alone (the
engine is not needed to find it, only to check it).
"""

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from grievance_rules.engine import evaluate
from grievance_rules.operations import watch
from grievance_rules.operations.watch_list import _computed_instant, _fraction
from grievance_rules.packs import find_pack
from tests.operations.conftest import dispatched, order

RANK = {"none": 0, "yellow": 1, "red": 2, "breached": 3}
PACKS = {name: find_pack(name) for name in ("chengdong", "daye", "xiayang")}


def _clock(o, pack, instant, rule_id, occurrence):  # type: ignore[no-untyped-def]
    for clock in evaluate(o, pack, instant).clocks:
        if (clock.rule_id, clock.occurrence) == (rule_id, occurrence):
            return clock
    raise AssertionError(rule_id)


def _level(clock) -> str:  # type: ignore[no-untyped-def]
    return "breached" if clock.state == "breached" else clock.warning_level or "none"


@settings(max_examples=25, deadline=None)
@given(
    name=st.sampled_from(sorted(PACKS)),
    start=st.datetimes(min_value=dt.datetime(2024, 1, 2), max_value=dt.datetime(2025, 12, 20)).map(
        lambda d: d.replace(second=0, microsecond=0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    ),
    wait=st.integers(min_value=0, max_value=6 * 24 * 60),
    channel=st.sampled_from(["provincial_hotline", "12345"]),
)
def test_every_listed_instant_is_the_clocks_own_level_change(
    name: str, start: dt.datetime, wait: int, channel: str
) -> None:
    pack = PACKS[name]
    o = order(
        "H1",
        start.isoformat(),
        dispatched((start + dt.timedelta(minutes=5)).isoformat()),
        channel=channel,
    )
    as_of = start + dt.timedelta(minutes=5 + wait)
    listed = watch([o], pack, as_of, within=dt.timedelta(days=15))
    for item in listed.items:
        if item.kind != "clock":
            continue
        now = _clock(o, pack, as_of, item.rule_id, item.occurrence)
        assert item.level == _level(now)
        for change in item.changes:
            assert as_of < change.at <= item.due
            at = _clock(o, pack, change.at, item.rule_id, item.occurrence)
            before = _clock(
                o, pack, change.at - dt.timedelta(microseconds=1), item.rule_id, item.occurrence
            )
            assert _level(at) == change.level
            assert RANK[_level(before)] < RANK[change.level]
            rule = pack.rule(item.rule_id)
            judged_on = evaluate(o, pack, as_of).judged_on
            fraction = _fraction(pack, rule, change.level, judged_on)  # type: ignore[arg-type]
            assert _computed_instant(pack, now, fraction) == change.at
