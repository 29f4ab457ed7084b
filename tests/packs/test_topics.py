"""Topics: every built-in rule has some, and the rates' clock topics sit on the right clocks."""

import pytest

from grievance_rules.packs import Pack, builtin_pack_names, find_pack
from grievance_rules.packs.readme import render_readme
from grievance_rules.packs.schema import ClockRule, Topic

PACKS = builtin_pack_names()


@pytest.fixture(scope="module")
def packs() -> dict[str, Pack]:
    return {name: find_pack(name) for name in PACKS}


@pytest.mark.parametrize("name", PACKS)
def test_every_rule_has_one_to_three_topics(packs: dict[str, Pack], name: str) -> None:
    pack = packs[name]
    wrong = {rule.id: rule.topics for rule in pack.rules if not 1 <= len(rule.topics) <= 3}
    assert wrong == {}
    repeated = {rule.id for rule in pack.rules if len(set(rule.topics)) != len(rule.topics)}
    assert repeated == set()


@pytest.mark.parametrize("name", PACKS)
def test_each_pack_times_its_replies(packs: dict[str, Pack], name: str) -> None:
    pack = packs[name]
    replies = [rule for rule in pack.rules_of(ClockRule) if Topic.REPLY in rule.topics]
    assert replies, f"{name} has no clock with topic reply"


# What stops a clock of each topic the scorecard rates read.
_STOPS = {Topic.SIGN_OFF: "signed_for", Topic.FIRST_CONTACT: "first_contact"}


@pytest.mark.parametrize("name", PACKS)
def test_rate_topics_sit_on_the_clocks_they_name(packs: dict[str, Pack], name: str) -> None:
    for rule in packs[name].rules_of(ClockRule):
        for topic, event in _STOPS.items():
            assert (topic in rule.topics) == (rule.stop.event == event), (rule.id, topic)
        if Topic.REPLY in rule.topics:
            # The order's main handling deadline: a reply (or closure) ends it, it starts
            # at dispatch or sign-off, never at a callback (second handling) or a 续报.
            assert rule.stop.event in ("replied", "closed"), rule.id
            assert rule.start != "received"
            assert rule.start.event in ("dispatched", "signed_for")
            others = {Topic.SECOND_HANDLING, Topic.CONTINUATION, Topic.PRELIMINARY_REPLY}
            assert not others & set(rule.topics), rule.id


def test_the_clock_topics_of_the_three_packs(packs: dict[str, Pack]) -> None:
    def ids(name: str, topic: Topic) -> list[str]:
        pack = packs[name]
        return [rule.id for rule in pack.rules_of(ClockRule) if topic in rule.topics]

    assert ids("chengdong", Topic.SIGN_OFF) == []
    assert ids("xiayang", Topic.SIGN_OFF) == ["XY-1.accept"]
    assert ids("daye", Topic.SIGN_OFF) == ["DY-7a.signoff"]
    assert ids("xiayang", Topic.FIRST_CONTACT) == ["XY-1.first-contact"]
    # 城东's one-hour emergency feedback (三（一）) is not the urgent order's completion
    # deadline: 三（五） gives 紧急件 two working days.
    # (its 属事 twin runs only under the other reading, emergency_hour_binds: all)
    assert ids("chengdong", Topic.EMERGENCY) == [
        "CD-1.emergency-feedback",
        "CD-1.emergency-feedback-office",
        "CD-5.provincial-urgent",
    ]
    assert "CD-1.emergency-feedback" not in ids("chengdong", Topic.REPLY)
    # 接诉即办件: the same-day preliminary reply is not the completion.
    assert ids("chengdong", Topic.PRELIMINARY_REPLY) == ["CD-5.respond-at-once-first-reply"]
    assert ids("xiayang", Topic.SECOND_HANDLING) == [
        "XY-4.second-handling",
        "XY-4.second-handling-from-callback",
        "XY-4.second-handling-each-reflow",
    ]
    # (the first 续报's limit stopped by a second runs only under the other reading,
    # second_continuation_cause: filed_after_due)
    assert ids("chengdong", Topic.CONTINUATION) == [
        "CD-7.continuation",
        "CD-7.first-continuation-until-second",
    ]


def test_topic_terms_are_unique_and_read_back() -> None:
    spellings = [s for topic in Topic for s in (topic.value, topic.zh, *topic.aliases)]
    assert len(spellings) == len(set(spellings))
    for topic in Topic:
        assert Topic(topic.zh) is topic


def test_the_readme_shows_each_rules_topics(packs: dict[str, Pack]) -> None:
    line = next(
        x for x in render_readme(packs["daye"], "zh").splitlines() if "**`DY-8b.reply`**" in x
    )
    assert line.endswith("主题：答复、延期。")
    line = next(
        x for x in render_readme(packs["daye"], "en").splitlines() if "**`DY-8b.reply`**" in x
    )
    assert line.endswith("Topics: reply (答复), extension (延期).")
