"""When a clock reached a warning level: dated by the clock's arithmetic, never by as_of.

三（八）提级办理制「续报办理有难度的存在二次续报风险的…由分管或挂包领导填写《城东街道市民投诉
提级办理申请表》」 (chengdong CD-8.escalate): the risk is a 续报 clock at its red light. The
expected instants are worked out by hand below from the office hours the pack assumes
(09:00-12:00, 13:30-17:30: 420 minutes a day) and the 2024 calendar.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pendulum
import pytest
import yaml
from pydantic import ValidationError

from grievance_rules.calendar import china
from grievance_rules.engine import evaluate
from grievance_rules.errors import PackError
from grievance_rules.i18n import language
from grievance_rules.model import WorkOrder
from grievance_rules.packs import Pack, builtin_packs_dir, find_pack, load_pack
from grievance_rules.packs.schema import Trigger

T = dt.datetime.fromisoformat
OFFICE = china(office_hours="09:00-12:00,13:30-17:30")

# 续报 Mon 2024-05-06 09:00, committed Fri 2024-05-10 17:30 (05-06..05-10 all working days:
# the 劳动节 holiday was 05-01..05-05). 5 × 420 = 2,100 minutes of office time; red at
# 75 % = 1,575 minutes: Mon 420, Tue 420, Wed 420 (1,260 by Wed 17:30), Thu 09:00-12:00
# 180 (1,440), then 135 minutes after 13:30 → Thu 2024-05-09 15:45.
RED = T("2024-05-09T15:45:00+08:00")


def _order(closed_at: str | None) -> WorkOrder:
    events: list[dict[str, Any]] = [
        {"type": "dispatched", "at": "2024-05-06T08:55:00+08:00", "unit": "dzb", "to_unit": "c07"},
        {
            "type": "continuation",
            "at": "2024-05-06T09:00:00+08:00",
            "unit": "c07",
            "committed_deadline": "2024-05-10T17:30:00+08:00",
        },
    ]
    if closed_at is not None:
        events.append({"type": "closed", "at": closed_at, "unit": "dzb", "outcome": "resolved"})
    return WorkOrder.model_validate(
        {
            "id": "CD-R1",
            "channel": "hotline_12345",
            "category": "投诉",
            "received_at": "2024-05-06T08:50:00+08:00",
            "units": [
                {"id": "dzb", "name": "党政办公室", "kind": "dispatch_centre"},
                {"id": "c07", "name": "东风社区", "kind": "village_community"},
            ],
            "events": events,
        }
    )


def _escalation_dates(order: WorkOrder, pack: Pack | str, as_of: dt.datetime) -> list[str]:
    found = evaluate(order, pack, as_of).escalations
    return [e.since.isoformat() for e in found if e.rule_id == "CD-8.escalate"]


CLOSED_IN_TIME = _order("2024-05-10T10:00:00+08:00")  # after red, before due: met


@pytest.mark.parametrize(
    ("as_of", "reached", "while_running"),
    [
        # before red: a microsecond before 15:45 the share is under 0.75
        ("2024-05-09T15:44:59.999999+08:00", [], []),
        # red from 15:45 on, while the 续报 runs: dated 15:45 whatever the as_of
        ("2024-05-09T15:45:00+08:00", [RED.isoformat()], [RED.isoformat()]),
        ("2024-05-09T17:00:00+08:00", [RED.isoformat()], [RED.isoformat()]),
        ("2024-05-10T09:30:00+08:00", [RED.isoformat()], [RED.isoformat()]),
        # after the 续报 was closed (met at Fri 10:00): the pack's reading keeps the
        # 提级 owed at red; the other reading shows nothing
        ("2024-05-20T12:00:00+08:00", [RED.isoformat()], []),
        ("2024-12-31T23:00:00+08:00", [RED.isoformat()], []),
    ],
)
def test_the_escalation_is_dated_when_the_continuation_turned_red(
    as_of: str, reached: list[str], while_running: list[str]
) -> None:
    pack = find_pack("chengdong")
    other = pack.with_parameters({"second_continuation_risk": "while_running"})
    assert _escalation_dates(CLOSED_IN_TIME, pack, T(as_of)) == reached
    assert _escalation_dates(CLOSED_IN_TIME, other, T(as_of)) == while_running


def test_the_trace_says_how_the_instant_was_computed() -> None:
    (found,) = [
        e
        for e in evaluate(CLOSED_IN_TIME, "chengdong", T("2024-12-31T23:00+08:00")).escalations
        if e.rule_id == "CD-8.escalate"
    ]
    assert found.trace == (
        "parameter second_continuation_risk: reached (yes)",
        "counted clock CD-7.continuation#0 reached red (0.75 of its period, parameter "
        "second_continuation_risk_at: 1575 of 2100 minutes of office time from its start "
        "2024-05-06T09:00:00+08:00) at 2024-05-09T15:45:00+08:00",
        "c07 is a village_community: the rule is for village_community",
    )


def test_a_continuation_stopped_before_its_light_never_owed_the_escalation() -> None:
    # closed Thu 15:44: 1,574 of 2,100 minutes, under 75 %: nothing owed; closed at
    # 15:45, the instant the light came on (1,575 minutes: the share reaches 0.75 at
    # the stop), the 提级 was owed, from 15:45
    year_end = T("2024-12-31T23:00+08:00")
    assert _escalation_dates(_order("2024-05-09T15:44:00+08:00"), "chengdong", year_end) == []
    on_time = _escalation_dates(_order("2024-05-09T15:45:00+08:00"), "chengdong", year_end)
    assert on_time == [RED.isoformat()]


def test_a_red_fraction_from_another_reading_moves_the_instant() -> None:
    # 三（八）'s own share (the 续报's red light) at 80 %: 1,680 minutes = Mon-Wed 1,260 +
    # Thu 420 → Thu 17:30 (the end of an office interval is that end, not Fri 09:00)
    pack = find_pack("chengdong").with_parameters({"second_continuation_risk_at": 0.8})
    dates = _escalation_dates(CLOSED_IN_TIME, pack, T("2024-12-31T23:00+08:00"))
    assert dates == ["2024-05-09T17:30:00+08:00"]
    # the red light of the other clocks (warning_red) does not move it
    other = find_pack("chengdong").with_parameters({"warning_red": 0.8})
    dates = _escalation_dates(CLOSED_IN_TIME, other, T("2024-12-31T23:00+08:00"))
    assert dates == [RED.isoformat()]


@pytest.mark.parametrize(
    ("start", "minutes", "fraction", "expected"),
    [
        # 420 minutes from Mon 09:00, half: 210 = 180 to noon + 30 after 13:30
        ("2024-05-06T09:00+08:00", 420, 0.5, "2024-05-06T14:00:00+08:00"),
        # a result on the end of the morning is noon, not 13:30: 180 of 240 minutes
        ("2024-05-06T09:00+08:00", 240, 0.75, "2024-05-06T12:00:00+08:00"),
        # a start after closing time runs from the next opening: 20:00 Mon → Tue 09:00
        # + 0.75 × 420 = 315 = 180 + 135 → Tue 15:45
        ("2024-05-06T20:00+08:00", 420, 0.75, "2024-05-07T15:45:00+08:00"),
        # over the Spring Festival: Fri 2024-02-09 09:00, 840 minutes (2 working days),
        # half = 420: the whole of Fri; 02-10..02-17 skipped → Fri 17:30
        ("2024-02-09T09:00+08:00", 840, 0.5, "2024-02-09T17:30:00+08:00"),
        # ... and 0.75 = 630: Fri 420 + Sun 02-18 (make-up day) 180 + 30 → 02-18 14:00
        ("2024-02-09T09:00+08:00", 840, 0.75, "2024-02-18T14:00:00+08:00"),
        # an empty period has run whole from its start (the engine's share is 1.0)
        ("2024-05-06T10:00+08:00", 0, 0.75, "2024-05-06T10:00:00+08:00"),
    ],
)
def test_level_reached_in_office_time(
    start: str, minutes: int, fraction: float, expected: str
) -> None:
    from grievance_rules.engine.clocks import level_reached

    found = level_reached(OFFICE, T(start), minutes * 60.0, fraction, level="red")
    assert found.at.isoformat() == expected


def test_level_reached_without_office_hours_is_wall_clock_time() -> None:
    from grievance_rules.engine.clocks import level_reached

    # 8 hours from 22:00, three quarters: 6 hours → 04:00 the next day
    found = level_reached(
        china(), T("2024-05-06T22:00+08:00"), 8 * 3600.0, 0.75, level="red", param="warning_red"
    )
    assert found.at.isoformat() == "2024-05-07T04:00:00+08:00"
    assert found.how == (
        "reached red (0.75 of its period, parameter warning_red: 360 of 480 minutes of "
        "clock time from its start 2024-05-06T22:00:00+08:00)"
    )


def _chengdong_with(tmp_path: Path, old: str, new: str) -> Path:
    """A copy of chengdong whose mechanisms.yaml has ``old`` replaced by ``new``."""
    import shutil

    copy = tmp_path / "chengdong"
    shutil.copytree(builtin_packs_dir() / "chengdong", copy)
    rules = copy / "rules" / "mechanisms.yaml"
    text = rules.read_text(encoding="utf-8")
    assert old in text
    rules.write_text(text.replace(old, new), encoding="utf-8")
    yaml.safe_load(rules.read_text(encoding="utf-8"))  # (still YAML)
    return copy


def test_a_level_the_clock_does_not_have_is_refused_at_load(tmp_path: Path) -> None:
    copy = _chengdong_with(
        tmp_path,
        "{clock: CD-7.continuation, reached: red}",
        "{clock: CD-7.continuation, reached: orange}",
    )
    with language("en"), pytest.raises(PackError) as caught:
        load_pack(copy)
    assert "rule CD-8.escalate: when.any.2.all.1.reached: 'CD-7.continuation' has no " in str(
        caught.value
    )
    assert "warning level 'orange' (its levels: yellow, red)" in str(caught.value)
    with language("zh"), pytest.raises(PackError) as caught:
        load_pack(copy)
    assert "'CD-7.continuation' 没有预警级别 'orange'（其预警级别：yellow、red）" in str(
        caught.value
    )


@pytest.mark.parametrize(
    ("fields", "english", "chinese"),
    [
        (
            {"clock": "CD-7.continuation", "state": "breached", "level": "red"},
            "'level' goes with state running or paused",
            "'level' 只能与 state running 或 paused 同用",
        ),
        (
            {"clock": "CD-7.continuation", "reached": "red", "level": "red", "state": "running"},
            "a clock trigger takes 'level' or 'reached', not both",
            "时限触发条件只能有 'level' 或 'reached' 之一",
        ),
        (
            {"event": "continuation", "reached": "red"},
            "'level' and 'reached' go with 'clock'",
            "'level' 和 'reached' 只能与 'clock' 同用",
        ),
        (
            {"clock": "CD-7.continuation", "reached": "red", "state": "late"},
            "a clock trigger needs state: breached, met, running or paused",
            "时限触发条件须有 state",
        ),
    ],
)
def test_a_trigger_that_mixes_level_forms_is_refused(
    fields: dict[str, str], english: str, chinese: str
) -> None:
    with language("en"), pytest.raises(ValidationError, match=re.escape(english)):
        Trigger.model_validate(fields)
    with language("zh"), pytest.raises(ValidationError, match=re.escape(chinese)):
        Trigger.model_validate(fields)
    # a reached trigger needs no state
    assert Trigger.model_validate({"clock": "X", "reached": "red"}).state is None


@pytest.mark.parametrize("path", ["per-order", "columnar"])
def test_an_as_of_given_as_a_pendulum_datetime_dates_the_light_alike(path: str) -> None:
    # the command line reads --as-of with pendulum, whose DateTime subtracts into its own
    # Duration: the columnar path's light crashed on it (microseconds of a Duration)
    from grievance_rules.scoring import score

    running = _order(None)  # still running at red on Thu 05-09 16:00
    as_of = pendulum.datetime(2024, 5, 9, 16, 0, tz="Asia/Shanghai")
    card = score([running], "chengdong", as_of=as_of, path=path)  # type: ignore[arg-type]
    assert card.assessed == 1
    found = evaluate(running, "chengdong", as_of)
    assert type(found.as_of) is dt.datetime
    assert [e.since for e in found.escalations if e.rule_id == "CD-8.escalate"] == [RED]
    plain = score([running], "chengdong", as_of=T("2024-05-09T16:00+08:00"), path=path)  # type: ignore[arg-type]
    assert card.model_dump_json() == plain.model_dump_json()
