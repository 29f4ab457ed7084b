"""The reports' tables: the traces of period findings name units by id and name."""

from __future__ import annotations

import pytest

from grievance_rules.i18n import language
from grievance_rules.reports.tables import finding_table
from grievance_rules.samples import generate_orders
from grievance_rules.scoring import Scorecard, score


@pytest.fixture(scope="module")
def card() -> Scorecard:
    return score(list(generate_orders(400, seed=1, months=3)), "chengdong")


def _why(card: Scorecard, unit: str, rule: str) -> list[tuple[str, str]]:
    table = finding_table([card]).select("unit", "unit_name", "rule_id", "trace")
    return [(name, trace) for u, name, r, trace in table.rows if (u, r) == (unit, rule)]


def test_a_ranking_names_the_unit_sharing_the_place_by_id_and_name(card) -> None:
    # 2025-03: c07 (东风社区) and c05 (白鹭社区) share the lowest place, -10.5 points each
    with language("zh"):
        assert _why(card, "c07", "CD-10.bottom-three-secretary") == [
            ("东风社区", "17个单位（村（社区））中排名后3位，倒数第1：-10.5分，与c05 白鹭社区并列")
        ]
    with language("en"):
        assert _why(card, "c07", "CD-10.bottom-three-secretary") == [
            (
                "东风社区",
                "1 of the 3 lowest of 17 units (village_community): -10.5 points, "
                "the place shared with c05 白鹭社区",
            )
        ]


def test_who_acts_is_the_unit_the_pack_names_when_no_leader_or_body_is() -> None:
    # 夏阳 五、1: 「每两个月在主任办公会上通报未按时先行接单的部门」 — the pack's actor is the
    # dispatch centre (XY-11.reported: actor {unit: dispatch_centre}); the cell was empty
    card = score(list(generate_orders(400, seed=1, months=3)), "xiayang")
    with language("zh"):
        table = finding_table([card]).select("tier_id", "actor_role", "target_role")
    reported = {actor for tier, actor, _ in table.rows if tier == "XY-11.reported"}
    assert reported == {"派件单位"}
    # a tier naming a body or a leader still says so: 约谈 by 街道纪工委, on the department head
    interviews = {(a, t) for tier, a, t in table.rows if tier == "XY-11.interview"}
    assert interviews == {("纪检监察机关", "部门负责人")}
