"""``grievance-rules timeline``: the table of an order's steps."""

from importlib import resources
from pathlib import Path

from click.testing import CliRunner

from grievance_rules.cli import cli

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


def _table(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, [*args, "timeline", "--pack", "chengdong", "--order",
                                      "S-0002", SAMPLE])  # fmt: skip
    assert result.exit_code == 0, result.output
    return result.output.splitlines()


def _under(lines: list[str], at: str) -> list[str]:
    """The lines under the step at ``at`` (up to the next step)."""
    start = next(i for i, line in enumerate(lines) if line.startswith(at))
    found = []
    for line in lines[start + 1 :]:
        if not line.startswith(" "):
            break
        found.append(line.strip())
    return found


def test_the_timeline_shows_each_finding_at_the_step_that_brought_it() -> None:
    # S-0002 (南湖村, c11), by its events: dispatched 03-02 09:20, a return requested
    # 16:40, past chengdong's half working day (三（二）: from 09:20, 14:20 that day),
    # so the return window is late and annex 2 takes 1 point for the late return and 1
    # for the return without a reason; replied 03-06 15:00 without evidence (三（四）,
    # 督促); the callback 03-09 10:00 rated the process unsatisfied (1 point more)
    lines = _table()
    assert _under(lines, "2026-03-02T16:40:00+08:00") == [
        "window CD-2.return-window (南湖村) late",
        "points CD-A2.1.overdue (南湖村) -1",
        "points CD-A2.2.return-without-reason (南湖村) -1",
    ]
    assert _under(lines, "2026-03-06T15:00:00+08:00") == [
        "escalation CD-4.reply-evidence (南湖村): 回复缺少证据材料，党政办审核把关、要求补充"
    ]
    assert _under(lines, "2026-03-09T10:00:00+08:00") == [
        "points CD-A2.3.process-unsatisfied (南湖村) -1"
    ]
    for quiet in ("2026-03-02T09:20:00+08:00", "2026-03-03T09:30:00+08:00"):
        assert _under(lines, quiet) == []  # nothing new at these steps


def test_the_timeline_says_its_findings_in_chinese() -> None:
    lines = _table("--lang", "zh")
    assert _under(lines, "2026-03-02T16:40:00+08:00") == [
        "期限窗口 CD-2.return-window（南湖村） 逾期",
        "扣加分 CD-A2.1.overdue（南湖村） -1",
        "扣加分 CD-A2.2.return-without-reason（南湖村） -1",
    ]
    assert _under(lines, "2026-03-06T15:00:00+08:00") == [
        "督促措施 CD-4.reply-evidence（南湖村）：回复缺少证据材料，党政办审核把关、要求补充"
    ]


def test_an_order_whose_record_is_rejected_is_said_so_as_evaluate_says_it(tmp_path) -> None:
    # line 2 is order B1 without its receipt instant: the table says why, for people;
    # jsonl writes evaluate's {"rejected": {source, order_id, reasons}}
    import json

    records = [json.loads(line) for line in Path(SAMPLE).read_text("utf-8").splitlines()][:2]
    records[1]["id"] = "B1"
    del records[1]["received_at"]
    path = tmp_path / "orders.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), "utf-8")
    common = ["timeline", "--pack", "chengdong", "--order", "B1"]
    result = CliRunner().invoke(cli, ["--lang", "en", *common, str(path)])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"rejected {path}:2 (order B1): received_at: field required",
        f"Error: order B1 in {path} is not a valid order",
    ]
    result = CliRunner().invoke(
        cli, ["--lang", "en", *common, "--output-format", "jsonl", str(path)]
    )
    assert json.loads(result.stderr.splitlines()[0]) == {
        "rejected": {
            "source": f"{path}:2",
            "order_id": "B1",
            "reasons": ["received_at: field required"],
        }
    }


def test_the_timeline_table_cites_each_rule_it_names() -> None:
    # the table named DY-7a.signoff, DY-8b.reply ... by id alone: no document, no clause
    from grievance_rules.packs import find_pack

    result = CliRunner().invoke(
        cli, ["--lang", "en", "timeline", "--pack", "daye", "--order", "S-0002", SAMPLE]
    )
    assert result.exit_code == 0, result.output
    head, _, cited = result.stdout.partition("\nRules cited:\n")
    assert cited
    pack = find_pack("daye")
    lines = cited.splitlines()
    assert lines
    for line in lines:
        rule_id, _, said = line.strip().partition(": ")
        assert rule_id in head
        citation = pack.rule(rule_id).citation
        assert said == f"{citation.source} {citation.clause}「{citation.text}」"
