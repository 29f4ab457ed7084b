"""A small third-party pack ("lakeside"), written into a folder by the tests.

One clock (2 working days to reply), one return window (half a working day),
one deduction on a breached clock, one escalation on a late return. Its
scenarios are given by each test, so a test can leave rules or boundary sides
uncovered, or expect the wrong thing on purpose.
"""

from __future__ import annotations

from pathlib import Path

MANIFEST = """\
id: lakeside
name: 湖畔街道
jurisdiction: 湖畔街道
revision: "1"
sources:
  - file: lakeside.txt
    title: 湖畔街道12345工单办理规定
effective_from: 2024-01-01
calendar:
  office_hours: "09:00-12:00,13:30-17:30"
  half_day: half_minutes
  basis: assumption
"""

PARAMETERS = """\
parameters:
  reply_time:
    description: 回复时限
    values:
      - {from: 2024-01-01, value: 2 working days,
         citation: {source: lakeside.txt, clause: 第一条, text: 承办单位应在两个工作日内回复}}
"""

RULES = """\
rules:
  - id: LS-1.reply
    kind: clock
    title: 两个工作日内回复
    clauses: [LS-1]
    citation: {source: lakeside.txt, clause: 第一条, text: 承办单位应在两个工作日内回复}
    start: {event: dispatched}
    stop: {event: replied}
    duration: {param: reply_time}
    convention: working_time
  - id: LS-2.return-window
    kind: window
    title: 半个工作日内申请回退
    clauses: [LS-2]
    citation: {source: lakeside.txt, clause: 第二条, text: 在半个工作日内申请回退}
    action: {event: return_requested}
    opens: {event: dispatched}
    duration: 半个工作日
    convention: working_time
    consequence: 不予回退
  - id: LS-3.late
    kind: deduction
    title: 超期回复扣分
    clauses: [LS-3]
    citation: {source: lakeside.txt, clause: 第三条, text: 超期回复的每件扣1分}
    points: -1
    when: {clock: LS-1.reply, state: breached}
  - id: LS-4.late-return
    kind: escalation
    title: 超期回退约谈
    clauses: [LS-4]
    citation: {source: lakeside.txt, clause: 第四条, text: 超期回退的由街道约谈}
    when: {window: LS-2.return-window, state: late}
    action: 约谈
    actor: {unit: dispatch_centre}
"""

DEFAULTS = """\
defaults:
  order:
    channel: "12345"
    category: 投诉
    received_at: 2024-05-06T09:00:00+08:00
    units:
      - {id: zx, name: 湖畔街道指挥中心, kind: dispatch_centre}
      - {id: c1, name: 东岸社区, kind: village_community}
cases:
"""

REPLY_MET = """\
  - name: reply one minute before the two working days are up
    as_of: 2024-05-09T00:00:00+08:00
    order:
      id: L1
      events:
        - {type: dispatched, at: 2024-05-06T10:00:00+08:00, unit: zx, to_unit: c1}
        - {type: replied, at: 2024-05-08T09:59:00+08:00, unit: c1}
    expect:
      clocks: [{rule: LS-1.reply, state: met, due: 2024-05-08T10:00:00+08:00}]
      deductions: []
"""

REPLY_BREACHED = """\
  - name: reply one minute after the two working days are up
    as_of: 2024-05-09T00:00:00+08:00
    order:
      id: L2
      events:
        - {type: dispatched, at: 2024-05-06T10:00:00+08:00, unit: zx, to_unit: c1}
        - {type: replied, at: 2024-05-08T10:01:00+08:00, unit: c1}
    expect:
      clocks: [{rule: LS-1.reply, state: breached, due: 2024-05-08T10:00:00+08:00}]
      deductions: [{rule: LS-3.late, points: -1, unit: c1}]
"""

# wrong on purpose: the reply is late, the case expects it in time and no deduction
REPLY_WRONG = """\
  - name: a late reply expected in time
    as_of: 2024-05-09T00:00:00+08:00
    order:
      id: L3
      events:
        - {type: dispatched, at: 2024-05-06T10:00:00+08:00, unit: zx, to_unit: c1}
        - {type: replied, at: 2024-05-08T10:01:00+08:00, unit: c1}
    expect:
      clocks: [{rule: LS-1.reply, state: met, due: 2024-05-08T10:00:00+08:00}]
      deductions: []
"""

RETURN_WITHIN = """\
  - name: return asked one minute before half a working day is up
    as_of: 2024-05-07T00:00:00+08:00
    order:
      id: L4
      events:
        - {type: dispatched, at: 2024-05-06T10:00:00+08:00, unit: zx, to_unit: c1}
        - {type: return_requested, at: 2024-05-06T14:59:00+08:00, unit: c1}
    expect:
      windows: [{rule: LS-2.return-window, state: within, closes_at: 2024-05-06T15:00:00+08:00}]
      escalations: []
"""

RETURN_LATE = """\
  - name: return asked one minute after half a working day is up
    as_of: 2024-05-07T00:00:00+08:00
    order:
      id: L5
      events:
        - {type: dispatched, at: 2024-05-06T10:00:00+08:00, unit: zx, to_unit: c1}
        - {type: return_requested, at: 2024-05-06T15:01:00+08:00, unit: c1}
    expect:
      windows: [{rule: LS-2.return-window, state: late, closes_at: 2024-05-06T15:00:00+08:00}]
      escalations: [{rule: LS-4.late-return, action: 约谈}]
"""

ALL_CASES = (REPLY_MET, REPLY_BREACHED, RETURN_WITHIN, RETURN_LATE)
"""Cases that pass and cover every rule and both sides of both time limits."""


def write_pack(root: Path, *cases: str, folder: str = "lakeside", extra_rules: str = "") -> Path:
    """Write the pack into ``root/folder`` with one scenario file holding ``cases``.

    ``extra_rules`` is YAML appended to the rule list (items indented by two spaces).
    """
    pack = root / folder
    (pack / "rules").mkdir(parents=True)
    (pack / "scenarios").mkdir()
    (pack / "pack.yaml").write_text(MANIFEST, encoding="utf-8")
    (pack / "parameters.yaml").write_text(PARAMETERS, encoding="utf-8")
    (pack / "rules" / "lakeside.yaml").write_text(RULES + extra_rules, encoding="utf-8")
    body = DEFAULTS + "".join(cases)
    (pack / "scenarios" / "replies.yaml").write_text(body, encoding="utf-8")
    return pack


def replace_in(path: Path, old: str, new: str) -> None:
    """Replace the first ``old`` in a file of a written pack (which must hold it) with ``new``."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
