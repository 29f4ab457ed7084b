import enum

import pytest

from grievance_rules.model import enums
from grievance_rules.model.enums import Category, Channel, Satisfaction, UnitKind, Urgency
from grievance_rules.model.terms import TermEnum

ENUMS = [getattr(enums, name) for name in enums.__all__]


def test_every_enum_is_a_term_enum_with_snake_case_values_and_a_chinese_term():
    for cls in ENUMS:
        assert issubclass(cls, TermEnum)
        assert issubclass(cls, enum.StrEnum)
        for member in cls:
            assert member.value == member.value.lower()
            assert " " not in member.value
            assert member.zh, f"{cls.__name__}.{member.name} has no Chinese term"


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_terms_and_aliases_are_unambiguous_within_an_enum(cls):
    seen: dict[str, str] = {}
    for member in cls:
        for spelling in {member.value, member.zh, *member.aliases}:
            assert seen.setdefault(spelling, member.name) == member.name, spelling


@pytest.mark.parametrize("cls", ENUMS, ids=lambda c: c.__name__)
def test_every_spelling_reads_back_to_its_member(cls):
    for member in cls:
        for spelling in (member.value, member.zh, *member.aliases, f" {member.zh} "):
            assert cls(spelling) is member


def test_unknown_term_is_refused():
    with pytest.raises(ValueError, match="抱怨"):
        Category("抱怨")
    with pytest.raises(ValueError, match="3 is not a valid Category"):
        Category(3)


def test_seed_terms():
    assert Category("投诉") is Category.COMPLAINT
    assert Channel("省级热线") is Channel.PROVINCIAL_HOTLINE
    assert Channel("互联网+监督") is Channel.INTERNET_SUPERVISION
    assert Urgency("次紧急") is Urgency.SEMI_URGENT
    assert UnitKind("属事") is UnitKind.STREET_OFFICE
    assert UnitKind("属地") is UnitKind.VILLAGE_COMMUNITY
    assert Satisfaction.terms() == {
        "satisfied": "满意",
        "basically_satisfied": "基本满意",
        "dissatisfied": "不满意",
    }


def test_upstream_kinds():
    assert {k for k in UnitKind if k.is_upstream} == {
        UnitKind.DISPATCH_CENTRE,
        UnitKind.DISTRICT_CENTRE,
        UnitKind.CITY_CENTRE,
        UnitKind.GOVERNMENT,
        UnitKind.DISCIPLINE_BODY,
    }


def test_full_width_letters_digits_and_spaces_read_as_half_width():
    # what a Chinese input method types in full-width mode: １２３４５ is 12345 (an alias of
    # 12345热线), ＡＰＰ is APP, and an ideographic space around a term is white space
    assert Channel("１２３４５") is Channel.HOTLINE_12345
    assert Channel("ＡＰＰ") is Channel.APP
    assert Category("\u3000投诉\u3000") is Category.COMPLAINT
