"""The durable-rules adapter: every sharp edge of durable-rules 2.0.28 it still meets, tamed
and proved; every form the pack compiler never emits, refused."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import threading
from typing import Any

import pytest

from grievance_rules.engine import _durable
from grievance_rules.engine._durable import DurableAdapter, get_adapter
from grievance_rules.errors import (
    EngineError,
    FactValidationError,
    GrievanceRulesError,
    RuleDefinitionError,
)

from .conftest import requires_durable

pytestmark = requires_durable

_NAMES = itertools.count()

RETURN_RULES: dict[str, Any] = {
    "returned": {"all": [{"m": {"type": "return_requested"}}]},
    "returned_by_a": {"all": [{"m": {"$and": [{"type": "return_requested"}, {"unit": "A"}]}}]},
    "late": {"all": [{"m": {"$gt": {"at": "2024-03-02"}}}]},
}


def fresh(namespace: str = "test") -> str:
    """A namespace no other test uses (rulesets live as long as the process)."""
    return f"{namespace}@{next(_NAMES)}"


def fact(kind: str, at: str, unit: str, **extra: Any) -> dict[str, Any]:
    return {"type": kind, "at": at, "unit": unit, **extra}


@pytest.fixture
def adapter() -> DurableAdapter:
    return get_adapter()


# --- sessions ---------------------------------------------------------------------------


def test_3000_matches_on_one_ruleset_leave_no_session(
    adapter: DurableAdapter, sessions: list[str]
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [fact("return_requested", "2024-03-01", "A"), fact("replied", "2024-03-02", "A")]
    for _ in range(3000):  # beyond durable-rules' 1,024 live sessions
        assert adapter.match_facts(ruleset, facts) == [("returned", "returned_by_a"), ()]
    assert len(sessions) == len(set(sessions)) == 3000
    assert not any(adapter._session_exists(ruleset, session) for session in sessions)


def test_the_session_limit_is_real_without_delete(adapter: DurableAdapter) -> None:
    """The control: durable-rules 2.0.28 refuses the 1,025th live session of a ruleset,
    and the adapter reports it as an EngineError, cause chained."""
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    engine = _durable._load_engine()
    for n in range(1024):
        engine.assert_fact(ruleset.handle, json.dumps({"sid": f"raw{n}", "id": "x"}))
    with pytest.raises(MemoryError):
        engine.assert_fact(ruleset.handle, json.dumps({"sid": "raw1024", "id": "x"}))
    with pytest.raises(EngineError, match="1,024-session limit") as caught:
        adapter.match_facts(ruleset, [fact("return_requested", "2024-03-01", "A")])
    assert isinstance(caught.value.__cause__, MemoryError)


def test_every_session_is_opened_with_an_action(adapter: DurableAdapter) -> None:
    """Deleting a session in which no action started reads uninitialised memory: each
    ruleset has an internal rule that fires once when a session opens."""
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    registered = json.loads(ruleset.definition)
    assert registered["__gr_open__"] == {"all": [{"m": {"$s": 1}}]}
    assert list(registered)[1:] == list(ruleset.rule_names)
    # a batch no rule matches still opens (and deletes) its session safely
    assert adapter.match_facts(ruleset, [fact("closed", "2024-03-01", "B")]) == [()]


def test_empty_facts_match_nothing(adapter: DurableAdapter, sessions: list[str]) -> None:
    # durable-rules itself reads an uninitialised session offset for an empty batch
    assert adapter.match_facts(adapter.compile(fresh(), RETURN_RULES), []) == []
    assert sessions == []


# --- errors -----------------------------------------------------------------------------


def test_an_exception_while_noting_a_match_still_deletes_the_session(
    adapter: DurableAdapter, sessions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [fact("return_requested", "2024-03-01", "A")]

    def broken(*args: Any) -> None:
        raise ZeroDivisionError("while noting")

    with monkeypatch.context() as patch:
        patch.setattr(DurableAdapter, "_note", broken)
        with pytest.raises(ZeroDivisionError):
            adapter.match_facts(ruleset, facts)
    assert not adapter._session_exists(ruleset, sessions[-1])
    assert adapter.match_facts(ruleset, facts) == [("returned", "returned_by_a")]


def test_an_activation_the_adapter_cannot_read_is_an_engine_error(
    adapter: DurableAdapter,
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    matched: list[set[int]] = [set()]
    adapter._note(ruleset, json.dumps({"returned": {"m": {"__gr_i": 0}}}), matched)
    assert matched == [{0}]
    for message in ('{"returned": {"m": {"id": 0}}}', '{"nope": {"m": {"__gr_i": 0}}}', "x"):
        with pytest.raises(EngineError, match="an activation the adapter cannot read"):
            adapter._note(ruleset, message, matched)


class FailingAssert:
    """durable's C extension, except that asserting facts fails as durable fails."""

    def __init__(self, engine: Any) -> None:
        self._engine = engine

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)

    def assert_facts(self, handle: int, text: str) -> Any:
        raise self._engine.error("Could not assert facts, error code: 999")


def test_an_engine_error_comes_back_chained(
    adapter: DurableAdapter, sessions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [fact("return_requested", "2024-03-01", "A")]
    with monkeypatch.context() as patch:
        patch.setattr(adapter, "_engine", FailingAssert(adapter._engine))
        with pytest.raises(EngineError, match=r"failed asserting facts.*error code: 999") as caught:
            adapter.match_facts(ruleset, facts)
    assert type(caught.value.__cause__).__name__ == "error"  # durable_rules_engine.error
    assert not adapter._session_exists(ruleset, sessions[-1])
    assert adapter.match_facts(ruleset, facts) == [("returned", "returned_by_a")]


class Opaque:
    pass


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"at": dt.datetime(2024, 3, 1)}, r"fact 1, key 'at': datetime is not plain JSON"),
        ({"tags": {"a", "b"}}, r"fact 1, key 'tags': set is not plain JSON"),
        ({"pair": (1, 2)}, r"fact 1, key 'pair': tuple is not plain JSON"),
        ({"who": [{"name": Opaque()}]}, r"fact 1, key 'who\[0\]\.name': Opaque is not plain JSON"),
        ({"nested": {1: "x"}}, r"fact 1, key 'nested': key 1 is not a str"),
        ({1: "x"}, r"fact 1: key 1 is not a str"),
        ({"score": float("nan")}, r"fact 1, key 'score': nan is not finite"),
        ({"big": 2**64}, r"fact 1, key 'big': .* 64-bit"),
        ({"small": [-(2**63) - 1]}, r"fact 1, key 'small\[0\]': .* 64-bit"),
        ({"sid": "s"}, r"fact 1, key 'sid': reserved"),
        ({"__gr_i": 0}, r"fact 1, key '__gr_i': reserved"),
        ({"$type": "x"}, r"fact 1, key '\$type': durable-rules reserves"),
        ({"a.b": 1}, r"fact 1, key 'a\.b': durable-rules reserves"),
        ({"meta": {"$s": 1}}, r"fact 1, key 'meta\.\$s': durable-rules reserves"),
        ({"meta": {"a.b": 1}}, r"fact 1, key 'meta\.a\.b': durable-rules reserves"),
        ({"id": "e1"}, r"fact 1, key 'id': match_facts numbers the facts itself"),
        ({"many": {f"k{n}": n for n in range(300)}}, r"fact 1: 30\d keys"),
    ],
)
def test_a_fact_that_is_not_plain_json_is_named(
    adapter: DurableAdapter, sessions: list[str], bad: dict[Any, Any], message: str
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    good = fact("return_requested", "2024-03-01", "A")
    with pytest.raises(FactValidationError, match=message) as caught:
        adapter.match_facts(ruleset, [good, {"type": "replied", **bad}])
    assert isinstance(caught.value, GrievanceRulesError)
    assert sessions == []  # refused before any session opens


def test_250_keys_pass_and_251_do_not(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    most = {"type": "replied", "meta": {f"k{n}": n for n in range(248)}}
    assert adapter.match_facts(ruleset, [most]) == [()]
    with pytest.raises(FactValidationError, match="fact 0: 251 keys"):
        adapter.match_facts(ruleset, [{**most, "one_more": 1}])


def test_facts_must_be_a_sequence_of_objects(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    with pytest.raises(FactValidationError, match="sequence of objects"):
        adapter.match_facts(ruleset, "return_requested")  # type: ignore[arg-type]
    with pytest.raises(FactValidationError, match="fact 0: list is not an object"):
        adapter.match_facts(ruleset, [["type", "return_requested"]])  # type: ignore[list-item]


# --- definitions the adapter refuses ------------------------------------------------------

ONE = {"m": {"type": "a"}}
"""A pattern the adapter takes."""


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        # what durable-rules offers beyond one pattern over one fact
        ({"all": [{"a": {"t": "x"}}, {"b": {"t": "y"}}]}, r"'all' of 2 patterns \(a rule over"),
        (
            {"all": [{"m": {"$neq": {"unit": {"first": "unit"}}}}]},
            r"refers to pattern 'first' \(a join",
        ),
        ({"all": [{"m": {"unit": {"first": "unit"}}}]}, r"refers to pattern 'first' \(a join"),
        ({"any": [ONE, {"m": {"type": "b"}}]}, r"'any' \(a rule over alternative patterns\)"),
        ({"all": [ONE], "any": [ONE]}, r"'any'"),
        ({"all": [ONE], "count": 2}, r"'count' \(a rule over groups of facts\)"),
        ({"all": [ONE], "cap": 2}, r"'cap' \(a rule over groups of facts\)"),
        ({"all": [ONE], "pri": 1}, r"'pri'"),
        ({"all": [ONE], "dist": 1}, r"'dist'"),
        ({"all": [{"m$not": {"type": "closed"}}]}, r"pattern 'm\$not': a '\$not' group"),
        ({"all": [{"g$all": [ONE]}]}, r"pattern 'g\$all': a '\$all' group"),
        ({"all": [{"g$any": [ONE]}]}, r"pattern 'g\$any': a '\$any' group"),
        (
            {"all": [{"m": {"$gt": {"n": {"$add": {"$l": 1, "$r": 2}}}}}]},
            r"arithmetic right side",
        ),
        # forms of one pattern the compiler never emits
        ({"all": [{"m": {"$gt": {"n": {"$m": "k"}}}}]}, r"a right side is a JSON scalar"),
        ({"all": [{"m": {"tags": ["a", "b"]}}]}, r"a right side is a JSON scalar"),
        ({"all": [{"m": {"$mt": {"type": "a.*"}}}]}, r"unsupported operator '\$mt'"),
        ({"all": [{"m": {"$iany": {"tags": {"t": "a"}}}}]}, r"unsupported operator '\$iany'"),
        ({"all": [{"m": {"$s": 1}}]}, r"unsupported operator '\$s'"),
        ({"all": [{"m": {"id": "e1"}}]}, r"reads 'id', which the adapter or durable-rules sets"),
        ({"all": [{"m": {"$ex": {"sid": 1}}}]}, r"reads 'sid'"),
        ({"all": [{"m": {"$nex": {"__gr_i": 1}}}]}, r"reads '__gr_i'"),
        # malformed
        ({"all": [{"m": {"type": "a", "unit": "A"}}]}, r"exactly one key .* use \$and"),
        ({"all": [{"m": {"$and": [{"type": "a", "unit": "A"}]}}]}, r"exactly one key"),
        ({"all": [{"m": {"$or": []}}]}, r"\$or takes a non-empty list"),
        ({"all": [{"m": {"$ex": {"a": 1, "b": 1}}}]}, r"\$ex takes an object with one property"),
        ({"all": [ONE], "run": "x"}, r"'run'"),
        ({"all": [ONE], "salience": 1}, r"unknown keys 'salience'$"),
        ({}, r"no 'all'"),
        ({"all": []}, r"'all' takes a list of one pattern"),
        ({"all": [{"a.b": {"t": "x"}}]}, r"bad pattern name 'a\.b'"),
        ({"all": [{"m$x": {"t": "x"}}]}, r"bad pattern name 'm\$x'"),
        ({"all": [{"m": {"at": dt.date(2024, 1, 1)}}]}, r"not plain JSON"),
        (["all"], r"a rule is an object"),
    ],
)
def test_a_definition_the_adapter_refuses_names_the_rule(
    adapter: DurableAdapter, rule: Any, message: str
) -> None:
    with pytest.raises(RuleDefinitionError, match=message) as caught:
        adapter.compile(fresh(), {"fine": {"all": [ONE]}, "r": rule})
    assert str(caught.value).startswith("rule 'r': ")


def test_a_multi_fact_form_is_refused_because_the_compiler_never_emits_it(
    adapter: DurableAdapter,
) -> None:
    with pytest.raises(RuleDefinitionError) as caught:
        adapter.compile(fresh(), {"r": {"all": [ONE], "count": 2}})
    assert str(caught.value) == (
        "rule 'r': 'count' (a rule over groups of facts) is refused; the adapter takes one"
        " pattern over one fact, all the pack compiler emits"
    )


@pytest.mark.parametrize("name", ["", "__gr_x", 3])
def test_a_rule_name_the_adapter_refuses(adapter: DurableAdapter, name: Any) -> None:
    with pytest.raises(RuleDefinitionError, match="rule name"):
        adapter.compile(fresh(), {name: {"all": [ONE]}})


@pytest.mark.parametrize("namespace", ["", "has space", "dollar$sign", "x" * 201])
def test_a_namespace_the_adapter_refuses(adapter: DurableAdapter, namespace: str) -> None:
    with pytest.raises(RuleDefinitionError, match="namespace"):
        adapter.compile(namespace, RETURN_RULES)


def test_a_definition_that_is_not_a_mapping_is_refused(adapter: DurableAdapter) -> None:
    with pytest.raises(RuleDefinitionError, match="maps rule names to rules"):
        adapter.compile(fresh(), [("r", {"all": [ONE]})])  # type: ignore[arg-type]


# --- matching ---------------------------------------------------------------------------


def test_a_fact_no_rule_matches_does_not_raise(adapter: DurableAdapter) -> None:
    # durable's Host.assert_facts raises MessageNotHandledException for such a batch
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    assert adapter.match_facts(ruleset, [fact("closed", "2024-03-01", "A")]) == [()]
    mixed = [fact("closed", "2024-03-01", "A"), fact("return_requested", "2024-03-03", "B")]
    assert adapter.match_facts(ruleset, mixed) == [(), ("returned", "late")]


def test_internal_facts_never_match(adapter: DurableAdapter) -> None:
    # without the adapter's guard this pattern also matches durable's session-state fact
    ruleset = adapter.compile(fresh(), {"unclosed": {"all": [{"m": {"$nex": {"closed": 1}}}]}})
    assert adapter.match_facts(ruleset, [{"closed": True}, {"type": "x"}]) == [(), ("unclosed",)]
    registered = json.loads(ruleset.definition)["unclosed"]
    assert registered == {
        "all": [{"m": {"$and": [{"$ex": {"__gr_i": 1}}, {"$nex": {"closed": 1}}]}}]
    }


def test_an_and_is_flattened_into_the_guard(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    registered = json.loads(ruleset.definition)["returned_by_a"]["all"][0]["m"]
    assert registered == {
        "$and": [{"$ex": {"__gr_i": 1}}, {"type": "return_requested"}, {"unit": "A"}]
    }


def test_an_or_whose_branches_all_hold_is_named_once(adapter: DurableAdapter) -> None:
    # durable-rules fires an "$or" once per branch that holds
    rules = {"either": {"all": [{"m": {"$or": [{"type": "a"}, {"unit": "A"}, {"n": 1}]}}]}}
    ruleset = adapter.compile(fresh(), rules)
    facts = [{"type": "a", "unit": "A", "n": 1}, {"unit": "A"}, {"type": "b"}]
    assert adapter.match_facts(ruleset, facts) == [("either",), ("either",), ()]


def test_comparisons_as_durable_makes_them(adapter: DurableAdapter) -> None:
    """Strings compare lexically; a comparison with a property the fact lacks does not hold;
    nested properties are addressed as ``a.b``."""
    rules = {
        "after_noon": {"all": [{"m": {"$gte": {"at": "2024-03-01T12:00"}}}]},
        "not_a": {"all": [{"m": {"$neq": {"unit": "A"}}}]},
        "low_rank": {"all": [{"m": {"$lt": {"meta.rank": 3}}}]},
        "small": {"all": [{"m": {"$and": [{"$gt": {"n": 0}}, {"$lte": {"n": 2.5}}]}}]},
    }
    ruleset = adapter.compile(fresh(), rules)
    facts = [
        {"at": "2024-03-01T12:00", "unit": "A", "meta": {"rank": 2}, "n": 2.5},
        {"at": "2024-03-01T09:00", "unit": "B", "meta": {"rank": 3}, "n": 0},
        {},
    ]
    assert adapter.match_facts(ruleset, facts) == [
        ("after_noon", "low_rank", "small"),
        ("not_a",),
        (),
    ]


def test_matches_agree_with_a_python_oracle(adapter: DurableAdapter) -> None:
    rules = {
        "rr_other": {"all": [{"m": {"$and": [{"t": "rr"}, {"$neq": {"u": "A"}}]}}]},
        "high_or_b": {"all": [{"m": {"$or": [{"$gt": {"n": 2}}, {"u": "B"}]}}]},
        "unnumbered": {"all": [{"m": {"$nex": {"n": 1}}}]},
        "ranked_low": {"all": [{"m": {"$and": [{"$ex": {"n": 1}}, {"$lte": {"n": 1}}]}}]},
    }
    ruleset = adapter.compile(fresh(), rules)
    rng = random.Random(7)
    for _ in range(100):
        facts = [
            {
                "t": rng.choice(["rr", "x"]),
                "u": rng.choice("ABC"),
                **({"n": rng.randrange(4)} if rng.random() < 0.7 else {}),
            }
            for _ in range(rng.randrange(1, 30))
        ]
        want = []
        for f in facts:
            names = []
            if f["t"] == "rr" and f["u"] != "A":
                names.append("rr_other")
            if f.get("n", -1) > 2 or f["u"] == "B":
                names.append("high_or_b")
            if "n" not in f:
                names.append("unnumbered")
            if "n" in f and f["n"] <= 1:
                names.append("ranked_low")
            want.append(tuple(names))
        assert adapter.match_facts(ruleset, facts) == want


def test_a_facts_matches_do_not_depend_on_the_other_facts(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    batch = [f for order in orders(50, seed=5) for f in order]
    together = adapter.match_facts(ruleset, batch)
    assert together == [adapter.match_facts(ruleset, [f])[0] for f in batch]
    assert adapter.match_facts(ruleset, batch + batch) == together + together


# --- compiling --------------------------------------------------------------------------


def test_the_same_definition_is_compiled_once(adapter: DurableAdapter) -> None:
    namespace = fresh("chengdong")
    first = adapter.compile(namespace, RETURN_RULES)
    assert adapter.compile(namespace, json.loads(json.dumps(RETURN_RULES))) is first
    reordered_keys = {"returned": {"all": [{"m": {"type": "return_requested"}}]}, **RETURN_RULES}
    assert adapter.compile(namespace, reordered_keys) is first
    assert first.name == f"gr_{namespace}_{first.digest}"
    other = adapter.compile(
        namespace, {**RETURN_RULES, "replied": {"all": [{"m": {"type": "replied"}}]}}
    )
    assert other.name != first.name
    assert other.handle != first.handle
    reordered_rules = dict(reversed(RETURN_RULES.items()))
    assert adapter.compile(namespace, reordered_rules) is not first  # rule order orders the output


def test_two_namespaces_with_the_same_rule_names_do_not_collide(adapter: DurableAdapter) -> None:
    one = adapter.compile(fresh("chengdong"), {"r": {"all": [{"m": {"type": "replied"}}]}})
    two = adapter.compile(fresh("xiayang"), {"r": {"all": [{"m": {"type": "closed"}}]}})
    same_rules = adapter.compile(fresh("xiayang"), {"r": {"all": [{"m": {"type": "replied"}}]}})
    assert len({one.name, two.name, same_rules.name}) == 3
    facts = [fact("replied", "2024-03-01", "A"), fact("closed", "2024-03-02", "A")]
    assert adapter.match_facts(one, facts) == [("r",), ()]
    assert adapter.match_facts(two, facts) == [(), ("r",)]
    assert adapter.match_facts(same_rules, facts) == [("r",), ()]


def test_a_ruleset_says_which_properties_it_reads(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    assert ruleset.properties == {"type", "unit", "at"}
    nested = adapter.compile(
        fresh(),
        {
            "r": {"all": [{"m": {"$or": [{"$ex": {"meta.rank": 1}}, {"$nex": {"closed": 1}}]}}]},
            "s": {"all": [{"x": {"$and": [{"flag_a": True}, {"$lte": {"n": 3}}]}}]},
        },
    )
    assert nested.properties == {"meta", "closed", "flag_a", "n"}
    assert adapter.match_facts(nested, [{"flag_a": True, "n": 3, "closed": 1}]) == [("s",)]


# --- determinism, threads, timers -----------------------------------------------------------


def orders(count: int, seed: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    kinds = ["dispatched", "signed_for", "return_requested", "replied", "callback", "closed"]
    return [
        [
            fact(rng.choice(kinds), f"2024-03-{k + 1:02d}T09:00", rng.choice("AB"))
            for k in range(rng.randrange(1, 7))
        ]
        for _ in range(count)
    ]


def test_output_is_deterministic(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    batch = orders(50, seed=3)
    first = [adapter.match_facts(ruleset, facts) for facts in batch]
    second = [adapter.match_facts(ruleset, facts) for facts in batch]
    assert first == second
    assert any("returned_by_a" in names for result in first for names in result)


def test_four_threads_give_what_sequential_matches_give(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    batches = [orders(200, seed=s) for s in range(4)]
    expected = [[adapter.match_facts(ruleset, facts) for facts in batch] for batch in batches]
    results: list[list[list[tuple[str, ...]]]] = [[] for _ in batches]
    errors: list[BaseException] = []
    start = threading.Barrier(len(batches))

    def work(k: int) -> None:
        try:
            start.wait()
            results[k] = [adapter.match_facts(ruleset, facts) for facts in batches[k]]
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(k,)) for k in range(len(batches))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == expected


def test_no_timer_thread_is_started(adapter: DurableAdapter) -> None:
    before = {thread.ident for thread in threading.enumerate()}
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    adapter.match_facts(ruleset, [fact("return_requested", "2024-03-01", "A")])
    after = threading.enumerate()
    assert {thread.ident for thread in after} == before
    assert not any(isinstance(thread, threading.Timer) for thread in after)


def test_get_adapter_is_a_singleton() -> None:
    assert get_adapter() is get_adapter()
