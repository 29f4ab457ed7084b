"""Words an official reads in Chinese that were left in English (a reviewer's findings)."""

import json
from importlib import resources
from pathlib import Path

from click.testing import CliRunner
from openpyxl import load_workbook

from grievance_rules.cli import cli

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


def _zh(*args: str) -> str:
    result = CliRunner().invoke(cli, ["--lang", "zh", *args])
    return result.output


def test_packs_show_names_every_kind_of_rule_in_chinese() -> None:
    text = _zh("packs", "show", "chengdong")
    weekly = next(line for line in text.splitlines() if "CD-9.weekly " in line)
    ranking = next(line for line in text.splitlines() if "CD-10.bottom-three-secretary " in line)
    assert "定期通报" in weekly
    assert "period" not in weekly
    assert "排名" in ranking
    assert "ranking" not in ranking


def test_a_sample_cut_before_its_orders_were_received_is_refused_in_chinese(tmp_path) -> None:
    args = ["--lang", "zh", "sample", "--orders", "3", "--seed", "5"]
    args += ["--as-of", "2025-01-20T00:00+08:00", "-o", str(tmp_path / "cut.jsonl")]
    result = CliRunner().invoke(cli, args)
    text = str(result.exception)  # (the console script prints it as one line)
    assert "早于受理期结束时间" in text
    assert "is before the end" not in text


def test_the_findings_workbook_names_the_warning_lights_in_chinese(tmp_path) -> None:
    book = tmp_path / "x.xlsx"
    _zh("evaluate", "--pack", "daye", "--as-of", "2026-03-10T15:00+08:00", SAMPLE, "-o", str(book))
    sheet = load_workbook(book)["工单考核结果"]
    header = [cell.value for cell in sheet[1]]
    column = header.index("预警级别")
    lights = {row[column] for row in sheet.iter_rows(min_row=2, values_only=True)} - {None}
    assert lights
    assert lights <= {"黄灯", "红灯"}


def test_an_escalation_names_who_acts_or_says_only_on_whom(tmp_path) -> None:
    # CD-4.reply-evidence: 「党政办审核把关」 — the pack's actor is the dispatch centre
    # (actor: {unit: dispatch_centre}), the sample's dzb 党政办公室 (it read as no one); 约谈
    # names a leader
    text = _zh("evaluate", "--pack", "chengdong", "--output-format", "table", SAMPLE)
    lines = [line for line in text.splitlines() if line.lstrip().startswith("督促")]
    evidence = next(line for line in lines if "CD-4.reply-evidence" in line)
    assert evidence.endswith("（由 dzb 党政办公室 对 c11 南湖村）")
    interview = next(line for line in lines if "CD-7.interview-village" in line)
    assert interview.endswith("（由 党工委主要负责人 对 c07 东风社区）")
    assert not any("由 —" in line for line in lines)
    # an order with no dispatch centre among its units: no one to name, only on whom
    orders = [json.loads(line) for line in Path(SAMPLE).read_text("utf-8").splitlines()]
    order = next(o for o in orders if o["id"] == "S-0002")  # the order of that line
    centres = {u["id"] for u in order["units"] if u["kind"] == "dispatch_centre"}
    order["units"] = [u for u in order["units"] if u["id"] not in centres]
    for event in order["events"]:
        for key in ("unit", "to_unit"):
            if event.get(key) in centres:
                event[key] = None if key == "unit" else event[key]
    alone = tmp_path / "alone.jsonl"
    alone.write_text(json.dumps(order, ensure_ascii=False) + "\n", encoding="utf-8")
    text = _zh("evaluate", "--pack", "chengdong", "--output-format", "table", str(alone))
    line = next(line for line in text.splitlines() if "CD-4.reply-evidence" in line)
    assert line.endswith("（对象：c11 南湖村）"), text


def test_the_timeline_names_whose_clock_it_is() -> None:
    # S-0001 goes to 东风社区 (c07); its 省级热线 clock is named with the unit, by name
    text = _zh("timeline", "--pack", "chengdong", "--order", "S-0001", SAMPLE)
    assert "CD-5.provincial-urgent#0（东风社区） 计时中" in text
    english = (
        CliRunner()
        .invoke(cli, ["timeline", "--pack", "chengdong", "--order", "S-0001", SAMPLE])
        .output
    )
    assert "CD-5.provincial-urgent#0 (东风社区) running" in english


def test_an_as_of_that_is_no_instant_is_refused_in_chinese_with_a_form_that_would_do() -> None:
    text = _zh("evaluate", "--pack", "daye", "--as-of", "明天", SAMPLE)
    assert "--as-of" in text
    assert "'明天' 不是 ISO 8601 日期时间" in text
    assert "2024-05-06T09:30:00+08:00" in text
    assert "Unable to parse" not in text  # (pendulum's own words)


def _why(tmp_path, lang: str) -> dict[tuple[str, str], str]:
    """The findings sheet of the sample's first three orders under chengdong: each
    (order, rule)'s why column (依据)."""
    orders = tmp_path / "f.jsonl"
    lines = (
        resources.files("grievance_rules")
        .joinpath("samples", "orders.jsonl")
        .read_text(encoding="utf-8")
    )
    orders.write_text("".join(lines.splitlines(keepends=True)[:3]), encoding="utf-8")
    book = tmp_path / f"f.{lang}.xlsx"
    args = ["--lang", lang, "evaluate", str(orders), "--pack", "chengdong", "-o", str(book)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    rows = list(load_workbook(book).worksheets[0].iter_rows(values_only=True))
    return {(row[0], row[3]): row[-1] for row in rows[1:]}


def test_the_findings_workbook_names_the_units_of_its_why_column(tmp_path) -> None:
    # S-0001 goes to 东风社区 (c07): its 依据 names the unit as the 单位 column beside it does
    zh = _why(tmp_path, "zh")
    assert (
        "；c07 东风社区 承办期间：单独计时，以该单位自己的办理环节停止；"
        in (zh["S-0001", "CD-5.provincial-urgent"])
    )
    assert zh["S-0001", "CD-A2.1.overdue"] == (
        "计入：时限 CD-5.provincial-urgent#0 超时，时间 2026-02-14T10:30:00+08:00；"
        "责任单位（承办单位）：c07 东风社区"
    )
    assert zh["S-0002", "CD-A2.2.return-without-reason"].endswith(
        "；责任单位（该环节的办理单位）：c11 南湖村"
    )
    en = _why(tmp_path, "en")
    assert (
        "; the assignment of c07 东风社区: its own clock, stopped by its own events; "
        in (en["S-0001", "CD-5.provincial-urgent"])
    )
    assert en["S-0001", "CD-A2.1.overdue"] == (
        "counted clock CD-5.provincial-urgent#0 breached at 2026-02-14T10:30:00+08:00; "
        "charged to handling unit: c07 东风社区"
    )


def test_the_findings_workbook_gives_a_parameter_s_chinese_label(tmp_path) -> None:
    # chengdong's CD-8.escalate (续报 at risk of a second 续报), its choice of reading
    # second_continuation_risk: reached, said with the label parameters.yaml gives it
    from tests.reports.test_xlsx import AS_OF, AT_RISK

    orders = tmp_path / "k4a.jsonl"
    orders.write_text(json.dumps(AT_RISK, ensure_ascii=False) + "\n", encoding="utf-8")
    book = tmp_path / "k4a.xlsx"
    _zh("evaluate", "--pack", "chengdong", "--as-of", AS_OF, str(orders), "-o", str(book))
    rows = list(load_workbook(book).worksheets[0].iter_rows(values_only=True))
    (why,) = [row[-1] for row in rows[1:] if row[3] == "CD-8.escalate"]
    assert (
        "参数 second_continuation_risk：reached（续报亮红灯之时即应申请，办结后仍计）（是）" in why
    )
