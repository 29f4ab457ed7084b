from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grievance_rules.calendar import Duration, DurationUnit
from grievance_rules.errors import DurationError


@pytest.mark.parametrize(
    ("text", "amount", "unit"),
    [
        ("半个工作日", Fraction(1, 2), DurationUnit.WORKING_DAYS),
        ("2个工作日", Fraction(2), DurationUnit.WORKING_DAYS),
        ("两个工作日", Fraction(2), DurationUnit.WORKING_DAYS),
        ("三十个工作日", Fraction(30), DurationUnit.WORKING_DAYS),
        ("0.5 wd", Fraction(1, 2), DurationUnit.WORKING_DAYS),
        ("1 working day", Fraction(1), DurationUnit.WORKING_DAYS),
        ("3个自然日", Fraction(3), DurationUnit.NATURAL_DAYS),
        ("一个小时", Fraction(1), DurationUnit.HOURS),
        ("1小时", Fraction(1), DurationUnit.HOURS),
        ("90 minutes", Fraction(90), DurationUnit.MINUTES),
        ("4 working hours", Fraction(4), DurationUnit.WORKING_HOURS),
        ("当日", Fraction(0), DurationUnit.SAME_DAY),
    ],
)
def test_parse(text: str, amount: Fraction, unit: DurationUnit) -> None:
    assert Duration.parse(text) == Duration(amount, unit)


@pytest.mark.parametrize("text", ["", "two days", "5 fortnights", "-1 working day", "0 hours"])
def test_parse_errors(text: str) -> None:
    with pytest.raises(DurationError):
        Duration.parse(text)


@given(
    st.fractions(min_value=Fraction(1, 4), max_value=100, max_denominator=4),
    st.sampled_from([u for u in DurationUnit if u is not DurationUnit.SAME_DAY]),
)
def test_str_parses_back(amount: Fraction, unit: DurationUnit) -> None:
    duration = Duration(amount, unit)
    assert Duration.parse(str(duration)) == duration


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        # 「十五个工作日」 is a common time limit; 十一 to 九十九 were refused (only 十 and 三十)
        ("十一个工作日", 11),
        ("十五个工作日", 15),
        ("二十个工作日", 20),
        ("二十四小时", 24),
        ("四十五个自然日", 45),
        ("九十九个自然日", 99),
        ("十个工作日", 10),
        ("三十日", 30),
    ],
)
def test_chinese_numerals_to_ninety_nine(text: str, amount: int) -> None:
    assert Duration.parse(text).amount == Fraction(amount)


@pytest.mark.parametrize("text", ["一百个工作日", "十十个工作日", "x个工作日", "两十个工作日"])
def test_an_amount_not_understood_is_named_as_the_amount(text: str) -> None:
    # the unit (个工作日) is known: the message named it among the units, as if it were wrong
    with pytest.raises(DurationError, match=r"the amount '.+' is not understood") as refused:
        Duration.parse(text)
    assert "units:" not in str(refused.value)
