"""The library's errors say what went wrong in 简体中文 as well as in English.

Every message a library error carries is marked for translation; the expected
strings are written here by hand, in both languages, one or more per module whose
messages were English only (calendar data and calendar, the columnar path, the
durable-rules adapter and the engine's integer check, the built-in packs' folder,
the sample generator, the testing toolkit). The last tests keep it so: an AST check
of ``src/`` refuses a ``raise`` (or construction) of a library error whose message
is English text not passed through ``_()``, ``ngettext`` or ``pgettext``, except the
few on the allow-list, which only a programming error can raise.
"""

from __future__ import annotations

import ast
import datetime as dt
import importlib
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from grievance_rules.calendar import china
from grievance_rules.calendar._data import load_national_data
from grievance_rules.errors import (
    CalendarDataError,
    CalendarError,
    CalendarRangeError,
    FactValidationError,
    GrievanceRulesError,
    PackNotFoundError,
    ProvisionalCalendarError,
    RuleDefinitionError,
    WorkOrderError,
)
from grievance_rules.i18n import language

ROOT = Path(__file__).resolve().parent.parent
SOURCE = ROOT / "src" / "grievance_rules"
DATA = SOURCE / "calendar" / "data" / "china"
CST = dt.timezone(dt.timedelta(hours=8))


def said(call: Callable[[], object], error: type[BaseException], lang: str) -> str:
    """The message of the ``error`` that ``call`` raises under ``lang``."""
    with language(lang), pytest.raises(error) as caught:
        call()
    return str(caught.value)


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    target = tmp_path / "china"
    shutil.copytree(DATA, target)
    return target


# --- calendar ---------------------------------------------------------------------


def test_a_data_file_that_declares_another_year(data_copy: Path) -> None:
    path = data_copy / "2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("year = 2026", "year = 2025"))

    def load() -> object:
        return load_national_data(data_copy)

    assert said(load, CalendarDataError, "zh") == (
        "2026.toml：声明的年份为 2025；该文件应命名为 2025.toml"
    )
    assert said(load, CalendarDataError, "en") == (
        "2026.toml: declares year 2025; the file must be 2025.toml"
    )


def test_a_data_file_without_a_field_of_its_notice(data_copy: Path) -> None:
    path = data_copy / "2026.toml"
    path.write_text(path.read_text(encoding="utf-8").replace("issued = ", "issued_on = ", 1))

    def load() -> object:
        return load_national_data(data_copy)

    assert said(load, CalendarDataError, "zh") == "2026.toml [notice]：缺少字段 'issued'"
    assert said(load, CalendarDataError, "en") == "2026.toml [notice]: missing field 'issued'"


def test_a_year_missing_from_the_data(data_copy: Path) -> None:
    (data_copy / "2015.toml").unlink()

    def build() -> object:
        return china(data_dir=data_copy)

    assert said(build, CalendarDataError, "zh") == "全国日历数据缺少以下年份的通知文件：2015"
    assert said(build, CalendarDataError, "en") == "national data has no notice file for 2015"


def test_a_provisional_answer_refused() -> None:
    calendar = china(on_provisional="raise")
    final = calendar.final_through.isoformat()

    def ask() -> object:
        return calendar.is_working_day(dt.date(2027, 3, 1))

    assert said(ask, ProvisionalCalendarError, "zh") == (
        f"is_working_day(2027-03-01) 用到了 {final} 之后的日期，"
        "这些日期尚无国务院放假通知安排：结果为暂定推算"
    )
    assert said(ask, ProvisionalCalendarError, "en") == (
        f"is_working_day(2027-03-01) depends on days after {final}, which no State Council "
        "notice has set yet: the answer is a provisional projection"
    )


def test_a_provisional_deadline_refused() -> None:
    calendar = china(on_provisional="raise")
    final = calendar.final_through.isoformat()
    start = dt.datetime(2026, 12, 20, 10, 0, tzinfo=CST)

    def due() -> object:
        return calendar.deadline(start, "10 working days", "civil_code")

    assert said(due, ProvisionalCalendarError, "zh") == (
        f"自 2026-12-20T10:00:00+08:00 起10个工作日的时限（civil_code） 用到了 {final} "
        "之后的日期，这些日期尚无国务院放假通知安排：结果为暂定推算"
    )
    assert said(due, ProvisionalCalendarError, "en") == (
        "the deadline 10 working days from 2026-12-20T10:00:00+08:00 (civil_code) depends "
        f"on days after {final}, which no State Council notice has set yet: the answer is a "
        "provisional projection"
    )


# --- columnar ---------------------------------------------------------------------


def test_a_record_that_is_no_work_order_on_the_columnar_path() -> None:
    from grievance_rules.columnar.batch import to_orders

    def read() -> object:
        return to_orders([{"id": "A1"}])

    assert said(read, WorkOrderError, "zh") == (
        "记录 #0（编号 A1）不是有效的工单：channel：必填项缺失"
    )
    assert said(read, WorkOrderError, "en") == (
        "record 0 (id A1) is not a valid work order: channel: field required"
    )


def test_arrow_without_pyarrow(monkeypatch: pytest.MonkeyPatch) -> None:
    from grievance_rules.columnar import _deps

    def missing(name: str) -> object:
        raise ImportError(name)

    monkeypatch.setattr(importlib, "import_module", missing)
    assert said(_deps.require_pyarrow, _deps.MissingExtraError, "zh") == (
        "生成 Arrow 数据表需要 pyarrow：pip install 'grievance-rules[columnar]'"
    )
    assert said(_deps.require_pyarrow, _deps.MissingExtraError, "en") == (
        "Arrow tables need pyarrow: pip install 'grievance-rules[columnar]'"
    )


# --- engine -----------------------------------------------------------------------


def test_a_fact_integer_wider_than_64_bits() -> None:
    from grievance_rules.engine._durable import check_fact_integer

    def check() -> None:
        check_fact_integer(2**64, 3, "round")

    assert said(check, FactValidationError, "zh") == (
        f"第 3 个事实，键 'round'：{2**64} 超出了引擎 64 位整数的范围"
    )
    assert said(check, FactValidationError, "en") == (
        f"fact 3, key 'round': {2**64} is wider than the engine's 64-bit integers"
    )


def test_a_fact_with_a_reserved_key() -> None:
    from grievance_rules.engine._durable import _encode_facts

    def encode() -> object:
        return _encode_facts([{"type": "replied"}, {"id": 7}], "s")

    assert said(encode, FactValidationError, "zh") == (
        "第 1 个事实，键 'id'：match_facts 会自行为事实编号（durable-rules 以 id 识别事实）"
    )
    assert said(encode, FactValidationError, "en") == (
        "fact 1, key 'id': match_facts numbers the facts itself (durable-rules identifies "
        "facts by id)"
    )


def test_a_durable_rule_over_two_facts() -> None:
    from grievance_rules.engine._durable import _check_definition

    one = {"m": {"type": "replied"}}

    def check() -> object:
        return _check_definition({"twice": {"all": [one, one]}})

    assert said(check, RuleDefinitionError, "zh") == (
        "规则 'twice'：'all' 含 2 个模式（跨多个事实的规则）；"
        "适配层只接受针对单个事实的单一模式，规则包编译器也只生成这种形式"
    )
    assert said(check, RuleDefinitionError, "en") == (
        "rule 'twice': 'all' of 2 patterns (a rule over several facts); the adapter takes "
        "one pattern over one fact, all the pack compiler emits"
    )


def test_a_durable_option_refused() -> None:
    from grievance_rules.engine._durable import _check_definition

    def check() -> object:
        return _check_definition({"r": {"all": [{"m": {"type": "replied"}}], "count": 2}})

    assert said(check, RuleDefinitionError, "zh") == (
        "规则 'r'：不接受 'count'（针对事实组的规则）；"
        "适配层只接受针对单个事实的单一模式，规则包编译器也只生成这种形式"
    )
    assert said(check, RuleDefinitionError, "en") == (
        "rule 'r': 'count' (a rule over groups of facts) is refused; the adapter takes one "
        "pattern over one fact, all the pack compiler emits"
    )


def test_an_event_integer_the_engine_cannot_hold() -> None:
    from grievance_rules.engine.matching import check_integers, view_of
    from grievance_rules.model import WorkOrder

    order = WorkOrder.model_validate(
        {
            "id": "BIG",
            "channel": "12345",
            "category": "投诉",
            "received_at": "2024-05-06T09:00:00+08:00",
            "units": [{"id": "c07", "name": "城东社区", "kind": "village_community"}],
            "events": [
                {
                    "type": "dispatched",
                    "at": "2024-05-06T09:30:00+08:00",
                    "unit": "ctr",
                    "to_unit": "c07",
                },
                {
                    "type": "replied",
                    "at": "2024-05-07T09:00:00+08:00",
                    "unit": "c07",
                    "round": 2**64,
                },
            ],
        }
    )

    def check() -> None:
        check_integers(view_of(order, dt.datetime(2024, 6, 1, tzinfo=CST)))

    assert said(check, FactValidationError, "zh") == (
        f"第 2 个事实，键 'round'：{2**64} 超出了引擎 64 位整数的范围"
    )
    assert said(check, FactValidationError, "en") == (
        f"fact 2, key 'round': {2**64} is wider than the engine's 64-bit integers"
    )


# --- packs ------------------------------------------------------------------------


def test_no_built_in_packs(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from grievance_rules.packs import _builtin

    root = tmp_path / "site" / "lib" / "grievance_rules"
    monkeypatch.setattr(_builtin, "_PACKAGE_ROOT", root)
    shipped, checkout = root / "_builtin_packs", tmp_path / "site" / "policies"
    assert said(_builtin.builtin_packs_dir, PackNotFoundError, "zh") == (
        f"没有内置规则包：{shipped}（已安装的 wheel）和 {checkout}（源码检出）均不存在"
    )
    assert said(_builtin.builtin_packs_dir, PackNotFoundError, "en") == (
        f"no built-in policy packs: neither {shipped} (installed wheel) nor {checkout} "
        "(source checkout) exists"
    )


# --- samples ----------------------------------------------------------------------


def test_sample_arguments_refused() -> None:
    from grievance_rules.samples import SampleConfigError
    from grievance_rules.samples.generator import generate_orders

    def seed() -> object:
        return list(generate_orders(5, seed="7"))  # type: ignore[arg-type]

    assert said(seed, SampleConfigError, "zh") == "seed：'7' 不是整数"
    assert said(seed, SampleConfigError, "en") == "seed: '7' is not an integer"

    def window() -> object:
        return list(generate_orders(5, seed=1, start=dt.date(2003, 6, 1), months=1))

    assert said(window, SampleConfigError, "zh") == (
        "start 2003-06-01 加 1 个月：受理时间须在 2004-01-01 至 2059-12-01 之间（日历的范围）"
    )
    assert said(window, SampleConfigError, "en") == (
        "start 2003-06-01 + 1 month: receipts must fall between 2004-01-01 and 2059-12-01 "
        "(the calendar's range)"
    )


def test_a_mix_of_rates_refused() -> None:
    from grievance_rules.samples import Mix, SampleConfigError

    def rounds() -> object:
        return Mix(max_rounds=0)

    assert said(rounds, SampleConfigError, "zh") == "Mix.max_rounds：0 不是不小于 1 的整数"
    assert said(rounds, SampleConfigError, "en") == "Mix.max_rounds: 0 is not an integer >= 1"

    def urgencies() -> object:
        return Mix(urgencies=(("urgent", 1.0), ("soon", 1.0)))

    assert said(urgencies, SampleConfigError, "zh").startswith(
        "Mix.urgencies：'soon' 不在可选值之中，可选："
    )
    assert said(urgencies, SampleConfigError, "en").startswith(
        "Mix.urgencies: 'soon' is not one of "
    )


def test_the_office_clock_out_of_its_range() -> None:
    from grievance_rules.samples.clock import OfficeClock

    clock = OfficeClock(china(), dt.date(2025, 1, 20), dt.date(2025, 3, 1))

    def closing() -> object:
        return clock.closing(dt.date(2025, 2, 20), 30)

    assert said(closing, CalendarRangeError, "zh") == (
        "2025-02-20 之后 30 个工作日超出了工作时钟的范围 2025-01-20 至 2025-03-01"
    )
    assert said(closing, CalendarRangeError, "en") == (
        "30 working days after 2025-02-20 is outside the office clock's range 2025-01-20 "
        "to 2025-03-01"
    )


# --- testing toolkit --------------------------------------------------------------


def test_boundary_cases_of_a_rule_that_cannot_be_shaped() -> None:
    from grievance_rules.packs import find_pack
    from grievance_rules.testing._boundaries import UnshapeableRuleError
    from grievance_rules.testing.strategies import boundary_cases

    pack = find_pack("chengdong")

    def unknown() -> object:
        return boundary_cases(pack, ["NOPE"])

    assert said(unknown, UnshapeableRuleError, "zh") == (
        "boundary_cases：规则包 chengdong 中没有规则 'NOPE'"
    )
    assert said(unknown, UnshapeableRuleError, "en") == (
        "boundary_cases: pack chengdong has no rule 'NOPE'"
    )

    def switched_off() -> object:
        return boundary_cases(pack, ["CD-1.emergency-feedback-office"])

    assert said(switched_off, UnshapeableRuleError, "zh") == (
        "boundary_cases：规则包 chengdong 的规则 CD-1.emergency-feedback-office：runs_if："
        "该规则仅在 emergency_hour_binds 为 all 时执行（pack.with_parameters）"
    )
    assert said(switched_off, UnshapeableRuleError, "en") == (
        "boundary_cases: rule CD-1.emergency-feedback-office of pack chengdong: runs_if: "
        "it runs only with emergency_hour_binds: all (pack.with_parameters)"
    )


def test_calendar_edges_without_office_hours() -> None:
    from grievance_rules.testing.strategies import office_hour_edges

    def edges() -> object:
        return office_hour_edges(china())

    assert said(edges, CalendarError, "zh") == "office_hour_edges：该日历未设工作时间"
    assert said(edges, CalendarError, "en") == (
        "office_hour_edges: the calendar has no office hours"
    )


def test_a_scenario_expectation_of_the_wrong_shape(tmp_path: Path) -> None:
    from grievance_rules.testing.scenarios import ScenarioFileError, load_scenarios

    from .testing.lakeside import REPLY_MET, write_pack

    path = write_pack(tmp_path, REPLY_MET) / "scenarios" / "replies.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("deductions: []", "deductions: []\n      points: lots", 1))
    name = "reply one minute before the two working days are up"

    def load() -> object:
        return load_scenarios(path)

    assert said(load, ScenarioFileError, "zh") == (
        f"{path}：第 1 个用例（{name}）：expect.points：应为数字（总分值）"
    )
    assert said(load, ScenarioFileError, "en") == (
        f"{path}: case 1 ({name}): expect.points: must be a number (the total points)"
    )


# --- no English-only message comes back -------------------------------------------

TRANSLATORS = frozenset({"_", "gettext", "ngettext", "pgettext", "N_"})

ALLOWED = {
    # durable-rules handed back an action message the adapter cannot parse: only a
    # defect of the adapter's own bookkeeping (or of durable-rules) can do that
    ("engine/_durable.py", "an activation the adapter cannot read"),
    # the session's opening rule always fires (the branch is marked no cover): a
    # session that did not open is a defect, not anything a user gave
    ("engine/_durable.py", "did not open"),
}
"""Messages only a programming error can raise: (file under src/grievance_rules, a
part of the message). Each must still be found, so the list cannot go stale."""


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def library_errors(trees: dict[str, ast.Module]) -> set[str]:
    """The names of every class deriving from GrievanceRulesError, in ``trees``."""
    found = {"GrievanceRulesError"}
    grown = True
    while grown:
        grown = False
        for tree in trees.values():
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.ClassDef)
                    and node.name not in found
                    and any(_name(base) in found for base in node.bases)
                ):
                    found.add(node.name)
                    grown = True
    return found


def _english(node: ast.expr) -> bool:
    """A message written here and not marked for translation: a literal, an f-string,
    a sum with one, or a literal's ``.format``/``.join``."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str)
    if isinstance(node, ast.JoinedStr):
        return True
    if isinstance(node, ast.BinOp):
        return _english(node.left) or _english(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _english(node.func.value)
    return False


def _sentence(node: ast.expr) -> bool:
    """English text with a space in it (a field path such as ``expect.points`` has none)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, str) and " " in node.value
    if isinstance(node, ast.JoinedStr):
        return any(_sentence(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _sentence(node.left) or _sentence(node.right)
    if (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in ("format", "join")
    ):
        return _sentence(node.func.value)
    return False


def _functions(tree: ast.Module) -> Iterator[ast.AST]:
    yield tree
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            yield node


def _makers(trees: dict[str, ast.Module], errors: set[str]) -> set[str]:
    """Functions and methods that return a library error built from their arguments."""
    found = set()
    for tree in trees.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef) or node.returns is None:
                continue
            returned = node.returns
            if _name(returned) in errors or (
                isinstance(returned, ast.Constant) and returned.value in errors
            ):
                found.add(node.name)
    return found


def untranslated(trees: dict[str, ast.Module]) -> list[tuple[str, int, str]]:
    """Each library error given English text: (file, line, the message as written).

    A library error built with a message (its first argument, or ``message=``) that
    is English text, or a variable assigned English text in the same function; and
    a ``raise`` of a function that returns a library error (``self.fail(field,
    problem)``) given English text with a space in it.
    """
    errors = library_errors(trees)
    makers = _makers(trees, errors)
    found = []
    for file, tree in trees.items():
        for scope in _functions(tree):
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(scope):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for node in ast.walk(scope):
                if not isinstance(node, ast.Call):
                    continue
                called = _name(node.func)
                if called in errors:
                    given = [
                        *node.args[:1],
                        *(k.value for k in node.keywords if k.arg == "message"),
                    ]
                    for message in given:
                        values = [message]
                        if isinstance(message, ast.Name):
                            values = assigned.get(message.id, [])
                        if any(_english(value) for value in values):
                            found.append((file, node.lineno, ast.unparse(message)))
                if called in makers:
                    for argument in [*node.args, *(k.value for k in node.keywords)]:
                        if _sentence(argument):
                            found.append((file, node.lineno, ast.unparse(argument)))
    return sorted(set(found))


def _trees(root: Path) -> dict[str, ast.Module]:
    return {
        path.relative_to(root).as_posix(): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(root.rglob("*.py"))
    }


def _allowed(file: str, written: str) -> bool:
    return any(file == where and part in written for where, part in ALLOWED)


def test_no_library_error_is_raised_with_an_english_only_message() -> None:
    found = untranslated(_trees(SOURCE))
    refused = [f"{file}:{line}: {text}" for file, line, text in found if not _allowed(file, text)]
    assert refused == [], (
        "library errors with English text not marked for translation; wrap the message "
        "in _() (ngettext for a count) with named fields, and translate it in the "
        "zh_CN catalogue:\n" + "\n".join(refused)
    )
    for where, part in ALLOWED:  # the allow-list names only what is still there
        assert any(file == where and part in text for file, _line, text in found), (where, part)


def test_the_check_finds_each_way_of_writing_english(tmp_path: Path) -> None:
    (tmp_path / "errors.py").write_text(
        "class GrievanceRulesError(Exception): ...\n"
        "class PackError(GrievanceRulesError, ValueError): ...\n",
        encoding="utf-8",
    )
    (tmp_path / "mod.py").write_text(
        """\
from errors import PackError
from i18n import gettext as _


def literal():
    raise PackError("a literal")


def formatted(name):
    raise PackError(f"pack {name}: refused")


def concatenated(name):
    raise PackError(name + ": refused")


def via_a_variable(name):
    message = f"pack {name}: refused"
    raise PackError(message)


def keyword(name):
    raise PackError(message="pack {name}".format(name=name))


class Shaper:
    def fail(self, field, problem) -> PackError:
        return PackError(_("{field}: {problem}").format(field=field, problem=problem))

    def helper(self):
        raise self.fail("due_field", "no start event")


def fine(name):
    raise PackError(_("pack {name}: refused").format(name=name))


def fine_helper(shaper):
    raise shaper.fail("expect.points", _("must be a number"))
""",
        encoding="utf-8",
    )
    found = untranslated(_trees(tmp_path))
    assert [(line, text) for _file, line, text in found] == [
        (6, "'a literal'"),
        (10, "f'pack {name}: refused'"),
        (14, "name + ': refused'"),
        (19, "message"),
        (23, "'pack {name}'.format(name=name)"),
        (31, "'no start event'"),
    ]


def test_every_library_error_class_is_seen_by_the_check() -> None:
    found = library_errors(_trees(SOURCE))
    import grievance_rules.errors as errors

    public = {
        name
        for name in errors.__all__
        if isinstance(getattr(errors, name), type)
        and issubclass(getattr(errors, name), GrievanceRulesError)
    }
    assert public <= found
    assert {"SampleConfigError", "MissingExtraError", "UnshapeableRuleError"} <= found
