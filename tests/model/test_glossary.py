from pathlib import Path

import pytest

from grievance_rules.model import EVENT_CLASSES, WorkOrder, enums

GLOSSARY = (Path(__file__).parents[2] / "docs" / "glossary.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", enums.__all__)
def test_every_enum_member_is_in_the_glossary(name):
    cls = getattr(enums, name)
    assert f"`{name}`" in GLOSSARY
    for member in cls:
        assert f"| {member.zh} | `{member.value}` |" in GLOSSARY, member


def test_every_event_type_and_order_field_is_in_the_glossary():
    for kind, cls in EVENT_CLASSES.items():
        assert f"`{kind}`" in GLOSSARY
        assert f"`{cls.__name__}`" in GLOSSARY
    for field in WorkOrder.model_fields:
        if field not in ("units", "events"):
            assert f"`WorkOrder.{field}`" in GLOSSARY, field


@pytest.mark.parametrize(
    "term",
    ["属事", "属地", "先行接单", "先行联系", "退单", "续报", "督办", "提级办理", "不纳入测评",
     "核减", "推诿", "主动承办", "计划性办结工单", "随身拍", "市级复核单", "接诉即办件", "省级热线",
     "回访", "重办", "基本满意", "四级响应", "挂包领导", "指导员", "党工委主要负责人", "签派"],
)  # fmt: skip
def test_seed_terms_are_in_the_glossary(term):
    assert term in GLOSSARY
