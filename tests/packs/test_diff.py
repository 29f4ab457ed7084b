"""``packs diff``: the built-in packs compared rule by rule, matched by kind and topic."""

import csv
import dataclasses
import datetime as dt
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from grievance_rules.cli import cli
from grievance_rules.errors import PackError
from grievance_rules.packs import Pack, builtin_packs_dir, find_pack, load_pack
from grievance_rules.packs.diff import diff_packs
from grievance_rules.packs.schema import EventRef
from grievance_rules.reports.pack_diff import pack_diff_csv as render_csv
from grievance_rules.reports.pack_diff import pack_diff_markdown as render_markdown


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {name: find_pack(name) for name in ("chengdong", "xiayang", "daye")}


def _copy(name: str, target: Path, new_id: str) -> Path:
    """A built-in pack's manifest, parameters and rules under another id (no scenarios)."""
    source = builtin_packs_dir() / name
    target.mkdir()
    shutil.copytree(source / "rules", target / "rules")
    shutil.copy(source / "parameters.yaml", target / "parameters.yaml")
    manifest = (source / "pack.yaml").read_text(encoding="utf-8")
    (target / "pack.yaml").write_text(
        manifest.replace(f"id: {name}\n", f"id: {new_id}\n", 1), encoding="utf-8"
    )
    return target


def _set_values(directory: Path, parameter: str, values: list[dict[str, object]]) -> None:
    path = directory / "parameters.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["parameters"][parameter]["values"] = values
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_return_windows_half_a_working_day_against_two_working_days(
    packs: dict[str, Pack],
) -> None:
    diff = diff_packs(packs["chengdong"], packs["xiayang"], packs["daye"])
    row = diff.row("window", "退单")  # the Chinese term names the topic too
    cd, xy, dy = row.sides
    assert [s.rule_id for s in cd] == ["CD-2.return-window"]
    assert [s.rule_id for s in xy] == ["XY-5.return-window"]
    assert [s.rule_id for s in dy] == ["DY-7b.return-window"]
    # 城东 三（二）: 半个工作日, counted in office time, half of the day's working minutes.
    assert cd[0].limit == "0.5 working days (working_time, half day half_minutes)"
    assert cd[0].parameters == {
        "half_day_rule": "half_minutes",
        "return_window": "半个工作日",
    }
    assert cd[0].clause == "三（二）当日回退制"
    assert cd[0].quote == "凡不属于城东街道管辖范围的工单，在半个工作日内申请回退…超期不予回退"
    assert cd[0].consequence == "超期不予回退"
    # 夏阳 二、2 and 大冶 （七）: two working days from the dispatch; 夏阳 counts office time
    # from the dispatch instant (「派单后两个工作日之内」), 大冶 days (「自交办之日起」: the
    # day of 交办 not counted, issue 14 item 3).
    assert xy[0].limit == "2 working days (working_time)"
    assert dy[0].limit == "2 working days (civil_code)"
    assert xy[0].starts == dy[0].starts == "dispatched (to a handling unit)"
    # a handling unit's request (not a centre's sending the order back upstream)
    assert xy[0].stops == dy[0].stops == "return_requested (by a handling unit)"
    assert row.status == "differs"
    # Between 夏阳 and 大冶 alone the windows differ by their counting convention only.
    assert diff_packs(packs["xiayang"], packs["daye"]).row("window", "return").status == "differs"
    same = packs["daye"].with_parameters({"signoff_convention": "working_time"})
    assert diff_packs(packs["xiayang"], same).row("window", "return").status == "same"


def test_reply_limits_chengdong_against_daye(packs: dict[str, Pack]) -> None:
    row = diff_packs(packs["chengdong"], packs["daye"]).row("clock", "reply")
    cd, dy = row.sides
    assert [(s.rule_id, s.limit) for s in cd] == [
        ("CD-5.written-deadline", "due at the order's reply_deadline"),
        ("CD-5.provincial-urgent", "2 working days (working_time)"),
        ("CD-5.respond-at-once-completion", "2 working days (working_time)"),
    ]
    assert cd[0].due_field == "reply_deadline"
    assert cd[1].applies_to == "any of (channel provincial_hotline; urgency urgent)"
    assert cd[2].applies_to == "special kind respond_at_once"
    # 大冶 （八）（九）: 5 working days after the sign-off, extendable to 30 working days.
    (reply,) = dy
    assert reply.rule_id == "DY-8b.reply"
    assert reply.limit == (
        "5 working days (working_time); extendable by extension_granted "
        "to at most 30 working days from the start"
    )
    assert (reply.duration, reply.convention, reply.cap) == (
        "5 working days",
        "working_time",
        "30 working days",
    )
    assert reply.starts == "signed_for"
    assert reply.stops == "replied"
    assert reply.quote == "一般工单应于签收后5个工作日内进行答复"
    assert row.status == "differs"


def test_late_and_redo_points_are_chengdongs_alone(packs: dict[str, Pack]) -> None:
    diff = diff_packs(packs["chengdong"], packs["xiayang"])
    late = diff.row("deduction", "late")
    assert late.status == "only"
    assert late.present_in == ("chengdong",)
    (overdue,) = late.sides[0]
    assert late.sides[1] == ()
    assert (overdue.rule_id, overdue.points, overdue.limit) == (
        "CD-A2.1.overdue",
        -1.0,
        "-1 per order and unit charged (counted once each)",
    )
    assert overdue.quote == "超期件：超期回复或回退，每件扣1分"
    assert "window CD-2.return-window [return] late" in (overdue.trigger or "")
    redo = diff.row("deduction", "redo").sides[0]
    assert [(s.rule_id, s.points, s.limit) for s in redo] == [
        ("CD-A2.7.redo-district", -1.0, "-1 the first time, doubled each later time"),
        ("CD-A2.7.redo-city", -2.0, "-2 the first time, doubled each later time"),
        # the other reading of 续报后重办 (item 8 in place of item 7), off by default
        (
            "CD-A2.7.redo-district-before-continuation",
            -1.0,
            "-1 the first time, doubled each later time",
        ),
        (
            "CD-A2.7.redo-city-before-continuation",
            -2.0,
            "-2 the first time, doubled each later time",
        ),
    ]
    # 夏阳 sets no points at all: every deduction row is chengdong's only.
    deductions = [row for row in diff.rows if row.kind == "deduction"]
    assert deductions
    assert all(row.present_in == ("chengdong",) for row in deductions)


def test_escalations_give_the_trigger_and_who_acts_on_whom(packs: dict[str, Pack]) -> None:
    diff = diff_packs(packs["xiayang"], packs["daye"])
    row = diff.row("escalation", "late")
    # 夏阳's written explanation (五、2) is asked once per bimonthly report: a period rule
    # (issue 14 item 17), so the escalation row of 超期 is 大冶's alone.
    (), (dy,) = row.sides
    ((xy,), ()) = diff.row("period", "late").sides
    assert xy.rule_id == "XY-12.written-explanation"
    assert xy.actor == "the handling unit, department_head (部门负责人)"
    assert xy.target == "街道纪工委"
    assert dy.rule_id == "DY-12.phone"
    # (a late sign-off too under the other reading of （十四）, late_signoff_phone: true)
    assert dy.trigger == (
        "any of (clock DY-8b.reply [reply, extension] breached; all of (parameter "
        "late_signoff_phone is True; clock DY-7a.signoff [sign_off] breached))"
    )
    assert (dy.limit, dy.actor) == ("电话督办", "市纪委监委和市热线中心")
    # each unit whose item is overdue is called (phone_supervision_once_per: unit)
    assert dy.target == "the unit that acted, once for each such unit"
    assert dy.zh["target"] == "所涉单位，每个单位各一次"
    assert row.status == "only"


def test_summary_counts_agree_with_the_rows(packs: dict[str, Pack]) -> None:
    diff = diff_packs(packs["chengdong"], packs["xiayang"], packs["daye"])
    rows = diff.rows
    s = diff.summary
    assert s.rows == len(rows)
    assert s.matched == sum(len(r.present_in) >= 2 for r in rows)
    assert s.in_all == sum(len(r.present_in) == 3 for r in rows)
    assert s.matched + sum(s.only_in.values()) == s.rows
    assert s.differ == sum(r.status == "differs" for r in rows)
    assert s.matched > 0
    assert s.differ > 0
    assert set(s.only_in) == {"chengdong", "xiayang", "daye"}
    # 签收 is timed by 夏阳 and 大冶 (1 working day; 大冶 counts it by days, 「自交办之日起」);
    # 城东 has no sign-off clock.
    sign_off = diff.row("clock", "sign_off")
    assert sign_off.present_in == ("xiayang", "daye")
    assert sign_off.status == "differs"
    assert "differs; none in chengdong" in render_markdown(diff)


def test_a_pack_against_itself_has_no_differences(packs: dict[str, Pack]) -> None:
    cd = packs["chengdong"]
    diff = diff_packs(cd, cd)
    assert [column.label for column in diff.packs] == ["chengdong@2024 #1", "chengdong@2024 #2"]
    assert diff.rows
    assert all(row.status == "same" for row in diff.rows)
    assert diff.summary.differ == 0
    assert diff.summary.matched == diff.summary.rows
    assert set(diff.summary.only_in.values()) == {0}
    covered = {side.rule_id for row in diff.rows for side in row.sides[0]}
    assert covered == {rule.id for rule in cd.rules}


def test_the_other_half_day_reading_differs_in_the_return_window_only(
    packs: dict[str, Pack],
) -> None:
    cd = packs["chengdong"]
    noon = cd.with_parameters({"half_day_rule": "noon_cutoff"})
    diff = diff_packs(cd, noon)
    assert [column.label for column in diff.packs] == [
        "chengdong@2024",
        "chengdong@2024+half_day_rule=noon_cutoff",
    ]
    changed = [(row.kind, row.topic.value) for row in diff.rows if row.status != "same"]
    assert changed == [("window", "return")]
    assert diff.row("window", "return").sides[1][0].limit == (
        "0.5 working days (working_time, half day noon_cutoff)"
    )


def test_the_other_reading_of_daye_s_month_differs_in_the_on_site_supervision_only(
    packs: dict[str, Pack],
) -> None:
    dy = packs["daye"]  # 「一个月内」: 30 natural days up to the order by default
    month_pack = dy.with_parameters({"on_site_within": "calendar_month"})
    diff = diff_packs(month_pack, dy)
    changed = [(row.kind, row.topic.value) for row in diff.rows if row.status != "same"]
    # both rules are tagged supervision and repeat_complaint
    assert sorted(changed) == [("escalation", "repeat_complaint"), ("escalation", "supervision")]
    month, days = diff.row("escalation", "repeat_complaint").sides
    assert [side.rule_id for side in month] == [
        "DY-12.on-site-one-complainant",
        "DY-12.on-site-many-complainants",
    ]
    assert month[0].trigger == (
        "at least 3 orders of the same complainant on the same issue "
        "in the calendar month of receipt"
    )
    assert days[0].trigger == (
        "at least 3 orders of the same complainant on the same issue within 30 natural days"
    )
    assert (month[1].parameters, days[1].parameters) == (
        {"on_site_within": "calendar_month"},
        {"on_site_within": "30"},
    )


def test_on_selects_the_dated_parameter_value(packs: dict[str, Pack], tmp_path: Path) -> None:
    later = _copy("daye", tmp_path / "daye-2025", "daye-2025")
    _set_values(
        later,
        "reply_time",
        [
            {"from": dt.date(2023, 5, 19), "value": "5 working days"},
            {"from": dt.date(2025, 1, 1), "value": "3 working days", "note": "test value"},
        ],
    )
    daye, revised = packs["daye"], load_pack(later)
    before = diff_packs(daye, revised, on=dt.date(2024, 12, 31)).row("clock", "reply")
    assert before.status == "same"
    assert before.sides[1][0].parameters["reply_time"] == "5 working days"
    after = diff_packs(daye, revised, on=dt.date(2025, 1, 1)).row("clock", "reply")
    assert after.status == "differs"
    assert after.sides[0][0].duration == "5 working days"
    assert after.sides[1][0].duration == "3 working days"
    assert after.sides[1][0].parameters["reply_time"] == "3 working days"
    # Without --on each pack is read on its effective_from: the first value.
    assert diff_packs(daye, revised).row("clock", "reply").status == "same"


def test_a_date_before_a_pack_took_effect_reads_its_first_values(packs: dict[str, Pack]) -> None:
    diff = diff_packs(packs["chengdong"], packs["daye"], on=dt.date(2023, 6, 1))
    cd, dy = diff.packs
    assert (cd.on, dy.on) == (dt.date(2024, 1, 1), dt.date(2023, 6, 1))
    assert cd.note is not None
    assert "before chengdong@2024 took effect (2024-01-01)" in cd.note
    assert dy.note is None


def test_a_parameter_without_a_value_on_the_date_names_it_and_its_rule(
    packs: dict[str, Pack], tmp_path: Path
) -> None:
    late = _copy("daye", tmp_path / "daye-late", "daye-late")
    _set_values(late, "reply_time", [{"from": dt.date(2024, 1, 1), "value": "5 working days"}])
    with pytest.raises(PackError, match=r"'reply_time' has no value on 2023-06-01") as caught:
        diff_packs(packs["daye"], load_pack(late), on=dt.date(2023, 6, 1))
    assert caught.value.rule_id == "DY-8b.reply"
    assert "(read by rule DY-8b.reply); compare on 2024-01-01 or later" in str(caught.value)
    # Without a date asked for, the pack is read from the first day it can be.
    assert diff_packs(packs["daye"], load_pack(late)).packs[1].on == dt.date(2024, 1, 1)


def test_a_window_opened_by_another_event_differs_though_as_long(packs: dict[str, Pack]) -> None:
    daye = packs["daye"].with_parameters({"signoff_convention": "working_time"})  # as 夏阳
    rules = tuple(
        rule.model_copy(update={"opens": EventRef(event="signed_for")})
        if rule.id == "DY-7b.return-window"
        else rule
        for rule in daye.rules
    )
    row = diff_packs(packs["xiayang"], dataclasses.replace(daye, rules=rules)).row(
        "window", "return"
    )
    (xy,), (dy,) = row.sides
    assert xy.limit == dy.limit == "2 working days (working_time)"
    assert dy.starts == "signed_for"
    assert row.status == "differs"


def test_rules_without_topics_are_listed_not_dropped(packs: dict[str, Pack]) -> None:
    xy = packs["xiayang"]
    rules = tuple(
        rule.model_copy(update={"topics": ()}) if rule.id == "XY-8.excluded" else rule
        for rule in xy.rules
    )
    untagged = dataclasses.replace(xy, rules=rules)
    diff = diff_packs(packs["daye"], untagged)
    assert diff.packs[1].untagged == ("XY-8.excluded",)
    assert all(side.rule_id != "XY-8.excluded" for row in diff.rows for side in row.sides[1])
    assert "matched with nothing: `XY-8.excluded`" in render_markdown(diff)


def test_outputs_are_byte_identical_run_to_run(packs: dict[str, Pack]) -> None:
    first = diff_packs(packs["chengdong"], packs["xiayang"], packs["daye"])
    again = diff_packs(*(find_pack(name) for name in ("chengdong", "xiayang", "daye")))
    assert render_markdown(first) == render_markdown(again)
    assert render_csv(first) == render_csv(again)
    assert first.model_dump_json() == again.model_dump_json()


def _cli(*args: str) -> str:
    result = CliRunner().invoke(cli, ["packs", "diff", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_cli_markdown_csv_and_json(packs: dict[str, Pack]) -> None:
    markdown = _cli("xiayang", "daye")
    assert markdown == render_markdown(diff_packs(packs["xiayang"], packs["daye"]))
    assert (
        "| window | `return` 退单 | `XY-5.return-window` from dispatched (to a handling unit): "
        "2 working days (working_time) | `DY-7b.return-window` from dispatched (to a handling "
        "unit): 2 working days (civil_code) | differs |"
    ) in markdown

    lines = list(csv.DictReader(io.StringIO(_cli("chengdong", "daye", "--format", "csv"))))
    returns = [(r["pack"], r["rule_id"], r["limit"]) for r in lines if r["topic"] == "return"]
    assert (
        "chengdong",
        "CD-2.return-window",
        "0.5 working days (working_time, half day half_minutes)",
    ) in returns
    assert ("daye", "DY-7b.return-window", "2 working days (civil_code)") in returns
    late = [r for r in lines if (r["kind"], r["topic"]) == ("deduction", "late")]
    assert [(r["pack"], r["rule_id"], r["status"]) for r in late] == [
        ("chengdong", "CD-A2.1.overdue", "only in chengdong"),
        ("daye", "", "only in chengdong"),
    ]

    data = json.loads(
        _cli("chengdong", "xiayang", "daye", "--format", "json", "--on", "2024-06-01")
    )
    assert [p["on"] for p in data["packs"]] == ["2024-06-01"] * 3
    assert data["summary"]["only_in"].keys() == {"chengdong", "xiayang", "daye"}


def test_cli_output_file_and_bad_arguments(tmp_path: Path) -> None:
    target = tmp_path / "diff.csv"
    _cli("chengdong", "xiayang", "--format", "csv", "--output", str(target))
    written = target.read_bytes()
    _cli("chengdong", "xiayang", "--format", "csv", "--output", str(target))
    assert target.read_bytes() == written
    assert written.decode("utf-8") == _cli("chengdong", "xiayang", "--format", "csv")

    one = CliRunner().invoke(cli, ["packs", "diff", "chengdong"])
    assert one.exit_code == 2
    assert "at least two packs" in one.output
    bad_date = CliRunner().invoke(cli, ["packs", "diff", "chengdong", "daye", "--on", "June"])
    assert bad_date.exit_code == 2
    assert "YYYY-MM-DD" in bad_date.output


_RULE_ID = re.compile(r"[A-Z]{2}-[A-Za-z0-9.\-]+")
_ENGLISH_RUN = re.compile(r"[A-Za-z]+(?:[ \-']+[A-Za-z]+){2,}")
_ENGINEERING = (
    "civil_code",
    "working_time",
    "elapsed",
    "half_minutes",
    "to_unit_upstream",
    "dispatched",
    "signed_for",
    "extension_granted",
    "reply_deadline",
    "committed_deadline",
    "process_satisfaction",
    "signatures_count",
    "working day",
    "per order",
)


def _not_chinese(cell: str) -> list[str]:
    """What in a cell is not for a Chinese reader: runs of 3+ English words, engineering terms."""
    text = _RULE_ID.sub("", re.sub(r"`[^`]*`", "", cell))
    return _ENGLISH_RUN.findall(text) + [term for term in _ENGINEERING if term in text]


def test_under_zh_the_cells_are_chinese_worded_as_the_pack_readmes() -> None:
    result = CliRunner().invoke(
        cli, ["--lang", "zh", "packs", "diff", "chengdong", "daye"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    markdown = result.output
    # Worked out by hand from policies/daye/rules/handling.yaml and parameters.yaml: DY-7a
    # starts at 派单 to a handling unit (to_unit_upstream: false), signoff_time 1 working
    # day counted as the Civil Code counts days (signoff_convention civil_code); the pack
    # README words them 派单, 1个工作日, 按民法典计算期间（起算当日不计入）.
    assert (
        "| 时限 | 签收 | — | `DY-7a.signoff` 自派单（至承办单位）起：1个工作日"
        "（按民法典计算期间（起算当日不计入）） | 仅daye有 |"
    ) in markdown
    # chengdong: return_window 0.5 working days of office time, half a day being half
    # the day's office minutes (calendar half_day: half_minutes).
    assert (
        "`CD-2.return-window` 自派单（至承办单位）起：半个工作日（自起算时刻起按工作时间"
        "连续计算；半个工作日按当日工作时间的一半计）"
    ) in markdown
    # CD-A2.7: 区重办 1 point, doubled for each later redo; CD-A2.1: 1 point, once an order.
    assert "`CD-A2.7.redo-district`：首次扣1分，此后每次加倍" in markdown
    assert "`CD-A2.1.overdue`：每件扣1分（每个被扣分单位各计一次）" in markdown
    assert "  - 止算：签收（须由同一单位）" in markdown
    # both readings of 三（六）「当日回复的投诉件」 are rules (callback_orders picks one)
    assert (
        "| 记录 | 回访 | `CD-6.second-callback`：只记录，不计算<br>"
        "`CD-6.second-callback-respond-at-once`：只记录，不计算 |"
    ) in markdown
    assert "| 定期通报 | 约谈 | `CD-9.weekly`：每周：" in markdown
    table = markdown.split("## 逐项对照", 1)[1]
    problems = {line: _not_chinese(line) for line in table.splitlines()}
    assert {line: found for line, found in problems.items() if found} == {}

    result = CliRunner().invoke(
        cli,
        ["--lang", "zh", "packs", "diff", "chengdong", "daye", "--format", "csv"],
        catch_exceptions=False,
    )
    assert result.exit_code == 0, result.output
    lines = list(csv.DictReader(io.StringIO(result.output)))
    by_rule = {row["rule_id"]: row for row in lines}
    # DY-8b: reply_time 5 working days of office time from 签收, extendable by 延期批准 up
    # to extension_cap 30 working days from the start.
    assert by_rule["DY-8b.reply"]["limit"] == (
        "5个工作日（自起算时刻起按工作时间连续计算）；经延期批准可延期，自起算起最长30个工作日"
    )
    assert (by_rule["DY-8b.reply"]["starts"], by_rule["DY-8b.reply"]["stops"]) == ("签收", "回复")
    assert by_rule["CD-A2.11.planned-completion"]["limit"] == "按通报载明的分值"
    assert by_rule["CD-5.written-deadline"]["limit"] == "以工单载明的办理期限为限"
    shown = ("limit", "applies_to", "starts", "stops", "trigger", "actor", "target")
    problems = {
        f"{row['rule_id']}.{column}": _not_chinese(row[column]) for row in lines for column in shown
    }
    problems |= {
        f"{row['rule_id']}.parameters": [t for t in _ENGINEERING if t in row["parameters"]]
        for row in lines
    }
    assert {cell: found for cell, found in problems.items() if found} == {}


def test_the_chinese_cells_leave_the_english_ones_and_the_comparison_alone(
    packs: dict[str, Pack],
) -> None:
    diff = diff_packs(packs["chengdong"], packs["daye"])
    side = diff.row("clock", "sign_off").sides[1][0]
    assert side.limit == "1 working day (civil_code)"
    assert side.zh["limit"] == "1个工作日（按民法典计算期间（起算当日不计入））"
    assert side.zh["parameters"] == (
        "signoff_convention=按民法典计算期间（起算当日不计入）; signoff_time=1个工作日"
    )
    english = render_markdown(diff, lang="en")
    assert "`DY-7a.signoff` from dispatched (to a handling unit): 1 working day (civil_code)" in (
        english
    )
    assert "（至承办单位）" not in english
    assert "个工作日（" not in english


def test_records_of_one_topic_with_and_without_a_trigger_are_compared(
    tmp_path: Path, packs: dict[str, Pack]
) -> None:
    # a pack with two records on one topic, one computed from a trigger and one recorded
    # only (no trigger): their compared facts sort with the absent trigger first (they
    # are compared, not refused), and against stock daye, which lacks the second, the
    # topic differs
    directory = _copy("daye", tmp_path / "twin", "daye-twin")
    extra = {
        "rules": [
            {
                "id": "DY-12.commission",
                "kind": "record",
                "title": "市纪委监委督办调查",
                "clauses": ["DY-12"],
                "topics": ["supervision"],
                "citation": {
                    "source": "002_cc7cbe507f08239f.txt",
                    "clause": "二（二）职责分工 2.市纪委监委",
                    "text": "进行督办调查提出处理意见",
                },
                "not_computed": "the investigation is not in the order data",
            }
        ]
    }
    (directory / "rules" / "commission.yaml").write_text(
        yaml.safe_dump(extra, allow_unicode=True), encoding="utf-8"
    )
    twin = load_pack(directory)
    diff = diff_packs(twin, packs["daye"])
    (row,) = [r for r in diff.rows if r.kind == "record" and r.topic == "supervision"]
    ids = [side.rule_id for side in row.sides[0]]
    assert "DY-12.commission" in ids
    assert "DY-12.dispute" in ids
    assert [
        side.trigger is None for side in row.sides[0] if side.rule_id == "DY-12.commission"
    ] == [True]
    stock = [side.rule_id for side in row.sides[1]]
    assert sorted(ids) == sorted([*stock, "DY-12.commission"])
    assert row.present_in == ("daye-twin", "daye")
    assert row.status == "differs"
    # and the same pack on both sides, the record without a trigger included, is the same
    (same,) = [
        r for r in diff_packs(twin, twin).rows if r.kind == "record" and r.topic == "supervision"
    ]
    assert same.status == "same"
