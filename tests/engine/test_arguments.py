"""Arguments a batch call cannot take are refused by name, as ArgumentError (a ValueError).

A helper's audit found each of these escaping the error hierarchy or taken without a word.
"""

from __future__ import annotations

from importlib import resources

import pytest

from grievance_rules.engine import evaluate, evaluate_many
from grievance_rules.engine.batch import evaluate_each
from grievance_rules.errors import (
    ArgumentError,
    ArgumentTypeError,
    EngineArgumentError,
    EngineError,
)
from grievance_rules.i18n import language
from grievance_rules.reading import read_orders
from grievance_rules.scoring import compare, score, what_if

SAMPLE = str(resources.files("grievance_rules") / "samples" / "orders.jsonl")


@pytest.fixture(scope="module")
def orders():  # type: ignore[no-untyped-def]
    return list(read_orders(SAMPLE).orders)


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        # one pack's name where a list is taken: it looked for the packs 'c', 'h' ...
        (
            lambda o: compare(o, "chengdong"),
            ArgumentTypeError,
            "packs: a list of packs, not 'chengdong'",
        ),
        (lambda o: list(evaluate_each(o, "daye")), ArgumentTypeError, "packs: a list of packs"),
        (lambda o: list(evaluate_each(o, [])), ArgumentError, "packs: name at least one pack"),
        # taken without a word
        (
            lambda o: list(evaluate_many(o, "daye", processes=0)),
            ArgumentError,
            "processes: a whole number from 1, not 0",
        ),
        (
            lambda o: list(evaluate_many(o, "daye", chunk_size=-5)),
            ArgumentError,
            "chunk_size: a whole number from 1, not -5",
        ),
        (
            lambda o: compare(o, ["daye", "xiayang"], examples=-1),
            ArgumentError,
            "examples: a whole number from 0, not -1",
        ),
        # a TypeError from inside
        (
            lambda o: score(o, "daye", processes="2"),
            ArgumentError,
            "processes: a whole number from 1, not '2'",
        ),
        (
            lambda o: evaluate(o[0], None),
            ArgumentTypeError,
            "pack: a pack's name or folder, not None",
        ),
        # an EngineError only, which except ValueError missed
        (
            lambda o: list(evaluate_many(o, "daye", engine="bogus")),
            EngineArgumentError,
            "unknown engine 'bogus'",
        ),
        (
            lambda o: list(evaluate_many(o, "daye", duplicates="bogus")),
            EngineArgumentError,
            "unknown duplicates 'bogus'",
        ),
        # "the same pack given twice"
        (
            lambda o: what_if(o, "chengdong", {}),
            ArgumentError,
            "parameters: give at least one parameter",
        ),
    ],
)
def test_an_argument_the_call_cannot_take_is_refused_by_name(orders, call, error, message):  # type: ignore[no-untyped-def]
    with language("en"), pytest.raises(error) as refused:
        call(orders)
    assert str(refused.value).startswith(message)
    assert isinstance(refused.value, ValueError)
    if error is EngineArgumentError:
        assert isinstance(refused.value, EngineError)  # (as it was)


@pytest.mark.parametrize("count", [100, 499])
def test_duplicates_last_refuses_an_iterator_whatever_its_length(orders, count):  # type: ignore[no-untyped-def]
    # an iterator of 200 inputs was scored, one of 998 refused naming a 'chain' and a last=
    # that score does not take
    from grievance_rules.samples import generate_orders

    many = list(generate_orders(count, seed=5))
    with language("en"), pytest.raises(ArgumentTypeError) as refused:
        score((x for x in many * 2), "chengdong", duplicates="last")
    assert str(refused.value) == (
        "duplicates='last' needs the inputs as a sequence (a list), not generator: they are "
        "read twice"
    )
    card = score(many * 2, "chengdong", duplicates="last")
    assert (card.assessed + card.excluded, card.rejected) == (count, count)


def test_merging_refuses_what_is_no_part(orders):  # type: ignore[no-untyped-def]
    # a finished Scorecard, or None, was handed back as the merged part; two Scorecards
    # were an AttributeError
    from grievance_rules.scoring import merge_scorecards
    from grievance_rules.scoring.merge import merge_comparisons

    card = score(orders, "chengdong")
    for parts in ([card], [None], [card, card]):
        with (
            language("en"),
            pytest.raises(ArgumentTypeError, match=r"^parts\[0\]: a PartialScorecard"),
        ):
            merge_scorecards(parts)
    with (
        language("en"),
        pytest.raises(ArgumentTypeError, match=r"^parts\[0\]: a PartialComparison"),
    ):
        merge_comparisons([card])
