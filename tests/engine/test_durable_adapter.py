"""The durable-rules adapter: every sharp edge of durable-rules 2.0.28, tamed and proved."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
import threading
from dataclasses import asdict
from typing import Any

import pytest

from grievance_rules.engine import _durable
from grievance_rules.engine._durable import (
    Activation,
    DurableAdapter,
    get_adapter,
)
from grievance_rules.errors import (
    EngineError,
    FactValidationError,
    GrievanceRulesError,
    RuleActionError,
    RuleDefinitionError,
)

from .conftest import requires_durable

pytestmark = requires_durable

_NAMES = itertools.count()

RETURN_RULES: dict[str, Any] = {
    "returned": {"all": [{"m": {"type": "return_requested"}}]},
    # a join: two return requests from different units
    "returned_by_two_units": {
        "all": [
            {"first": {"type": "return_requested"}},
            {
                "second": {
                    "$and": [{"type": "return_requested"}, {"$neq": {"unit": {"first": "unit"}}}]
                }
            },
        ]
    },
}


def fresh(namespace: str = "test") -> str:
    """A namespace no other test uses (rulesets live as long as the process)."""
    return f"{namespace}@{next(_NAMES)}"


def fact(ident: str, kind: str, at: str, unit: str, **extra: Any) -> dict[str, Any]:
    return {"id": ident, "type": kind, "at": at, "unit": unit, **extra}


def summary(activations: list[Activation]) -> list[tuple[str, dict[str, Any]]]:
    """Rule name and the ids it matched, by pattern name."""
    return [
        (
            a.rule,
            {
                n: [f["id"] for f in v] if isinstance(v, list) else v["id"]
                for n, v in a.facts.items()
            },
        )
        for a in activations
    ]


@pytest.fixture
def adapter() -> DurableAdapter:
    return get_adapter()


# --- sessions ---------------------------------------------------------------------------


def test_3000_runs_on_one_ruleset_leave_no_session(
    adapter: DurableAdapter, sessions: list[str]
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [
        fact("e0", "return_requested", "2024-03-01", "A"),
        fact("e1", "replied", "2024-03-02", "A"),
    ]
    for _ in range(3000):
        assert summary(adapter.run(ruleset, facts)) == [("returned", {"m": "e0"})]
    assert len(sessions) == len(set(sessions)) == 3000
    assert not any(adapter._session_exists(ruleset, session) for session in sessions)


def test_the_session_limit_is_real_without_delete(adapter: DurableAdapter) -> None:
    """The control: durable-rules 2.0.28 refuses the 1,025th live session of a ruleset."""
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    engine = _durable._load_engine()
    for n in range(1024):
        engine.assert_fact(ruleset.handle, json.dumps({"sid": f"raw{n}", "id": "x"}))
    with pytest.raises(MemoryError):
        engine.assert_fact(ruleset.handle, json.dumps({"sid": "raw1024", "id": "x"}))


def test_empty_facts_give_no_activation(adapter: DurableAdapter) -> None:
    # durable-rules itself reads an uninitialised session offset for an empty batch
    assert adapter.run(adapter.compile(fresh(), RETURN_RULES), []) == []


# --- errors -----------------------------------------------------------------------------


def test_an_exception_while_recording_comes_back_chained(
    adapter: DurableAdapter, sessions: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [fact("e0", "return_requested", "2024-03-01", "A")]

    def broken(*args: Any) -> None:
        raise ZeroDivisionError("in the action")

    with monkeypatch.context() as patch:
        patch.setattr(DurableAdapter, "_record", broken)
        with pytest.raises(RuleActionError, match="recording an activation failed") as caught:
            adapter.run(ruleset, facts)
    assert isinstance(caught.value, EngineError)
    assert isinstance(caught.value.__cause__, ZeroDivisionError)
    assert not adapter._session_exists(ruleset, sessions[-1])
    assert summary(adapter.run(ruleset, facts)) == [("returned", {"m": "e0"})]


def test_an_engine_error_comes_back_chained(adapter: DurableAdapter, sessions: list[str]) -> None:
    # a join condition on a property the first fact lacks: durable's ERR_PROPERTY_NOT_FOUND
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [
        {"id": "e0", "type": "return_requested"},
        fact("e1", "return_requested", "2024-03-02", "B"),
    ]
    with pytest.raises(EngineError, match="error code: 311") as caught:
        adapter.run(ruleset, facts)
    assert type(caught.value.__cause__).__name__ == "error"  # durable_rules_engine.error
    assert not adapter._session_exists(ruleset, sessions[-1])
    assert adapter.run(ruleset, [fact("e0", "return_requested", "2024-03-01", "A")])


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
        ({"score": float("nan")}, r"fact 1, key 'score': nan is not finite"),
        ({"big": 2**64}, r"fact 1, key 'big': .* 64-bit"),
        ({"sid": "s"}, r"fact 1, key 'sid': reserved"),
        ({"__gr_i": 0}, r"fact 1, key '__gr_i': reserved"),
        ({"meta": {"$s": 1}}, r"fact 1, key 'meta\.\$s': durable-rules reserves"),
        ({"meta": {"a.b": 1}}, r"fact 1, key 'meta\.a\.b': durable-rules reserves"),
        ({"id": "e0"}, r"fact 1, key 'id': 'e0' is also the id of fact 0"),
        ({"id": True}, r"fact 1, key 'id': .* str or int, not bool"),
        ({"id": "sid-__gr_1"}, r"fact 1, key 'id': .* the adapter's"),
        ({"id": 1.5}, r"fact 1, key 'id': .* str or int, not float"),
        ({"many": {f"k{n}": n for n in range(300)}}, r"fact 1: 30\d keys"),
    ],
)
def test_a_fact_that_is_not_plain_json_is_named(
    adapter: DurableAdapter, bad: dict[str, Any], message: str
) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    good = fact("e0", "return_requested", "2024-03-01", "A")
    second = {"id": "e1", "type": "replied", **bad}
    with pytest.raises(FactValidationError, match=message) as caught:
        adapter.run(ruleset, [good, second])
    assert isinstance(caught.value, GrievanceRulesError)


def test_ids_1_and_one_collide(adapter: DurableAdapter) -> None:
    # durable-rules identifies facts by the text of their id: 7 and "7" are one fact to it
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    with pytest.raises(FactValidationError, match="fact 1, key 'id': 7 is also the id of fact 0"):
        adapter.run(ruleset, [{"id": "7", "type": "a"}, {"id": 7, "type": "b"}])


def test_facts_must_be_a_sequence_of_objects(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    with pytest.raises(FactValidationError, match="sequence of objects"):
        adapter.run(ruleset, "return_requested")  # type: ignore[arg-type]
    with pytest.raises(FactValidationError, match="fact 0: list is not an object"):
        adapter.run(ruleset, [["type", "return_requested"]])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"r": {"all": [{"m": {"type": "a", "unit": "A"}}]}}, "exactly one key"),
        ({"r": {"all": [{"m": {"type": "a"}}], "run": "x"}}, "'run'"),
        ({"r": {"all": [{"m": {"$s": 1}}]}}, "unsupported operator '\\$s'"),
        ({"r": {"all": [{"m": {"$neq": {"unit": {"first": "unit"}}}}]}}, "refers to 'first'"),
        ({"r": {"all": [{"m": {"type": "a"}}], "any": [{"m": {"type": "a"}}]}}, "exactly one of"),
        ({"r": {"all": []}}, "non-empty list"),
        ({"r": {"all": [{"m": {"type": "a"}}], "count": 0}}, "'count' must be an int >= 1"),
        ({"r": {"all": [{"m": {"at": dt.date(2024, 1, 1)}}]}}, "not plain JSON"),
        ({"__gr_x": {"all": [{"m": {"type": "a"}}]}}, "rule name"),
        (
            {
                "r": {
                    "all": [
                        {"a": {"t": "x"}},
                        {"b$all": [{"c": {"u": {"a": "u"}}}, {"d": {"t": "z"}}]},
                    ]
                }
            },
            "inside a nested",
        ),
        ({"r": {"any": [{"a": {"t": "x"}}, {"b": {"u": {"a": "u"}}}]}}, "refers to 'a'"),
    ],
)
def test_a_definition_the_adapter_refuses(
    adapter: DurableAdapter, rules: dict[str, Any], message: str
) -> None:
    with pytest.raises(RuleDefinitionError, match=message):
        adapter.compile(fresh(), rules)


@pytest.mark.parametrize("namespace", ["", "has space", "dollar$sign", "x" * 201])
def test_a_namespace_the_adapter_refuses(adapter: DurableAdapter, namespace: str) -> None:
    with pytest.raises(RuleDefinitionError, match="namespace"):
        adapter.compile(namespace, RETURN_RULES)


# --- matching ---------------------------------------------------------------------------


def test_a_fact_no_rule_matches_does_not_raise(adapter: DurableAdapter) -> None:
    # durable's Host.assert_facts raises MessageNotHandledException for such a batch
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    assert adapter.run(ruleset, [fact("e0", "closed", "2024-03-01", "A")]) == []
    mixed = [
        fact("e0", "closed", "2024-03-01", "A"),
        fact("e1", "return_requested", "2024-03-02", "A"),
    ]
    assert summary(adapter.run(ruleset, mixed)) == [("returned", {"m": "e1"})]


def test_activations_carry_the_callers_facts(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    given = fact(
        "e0", "return_requested", "2024-03-01", "成华区", note={"by": "张三", "items": [1, 2.5]}
    )
    (activation,) = adapter.run(ruleset, [given])
    assert activation == Activation("returned", {"m": given})
    assert activation.facts["m"] is not given


def test_internal_facts_never_match(adapter: DurableAdapter) -> None:
    # without the adapter's guard this pattern also matches durable's session-state fact
    ruleset = adapter.compile(fresh(), {"unclosed": {"all": [{"m": {"$nex": {"closed": 1}}}]}})
    facts = [{"id": "a", "closed": True}, {"id": "b"}]
    assert summary(adapter.run(ruleset, facts)) == [("unclosed", {"m": "b"})]


def test_a_join_over_two_facts_fires(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    facts = [
        fact("e0", "return_requested", "2024-03-01", "A"),
        fact("e1", "return_requested", "2024-03-02", "A"),
        fact("e2", "replied", "2024-03-03", "B"),
        fact("e3", "return_requested", "2024-03-04", "B"),
    ]
    assert summary(adapter.run(ruleset, facts)) == [
        ("returned", {"m": "e0"}),
        ("returned", {"m": "e1"}),
        ("returned", {"m": "e3"}),
        ("returned_by_two_units", {"first": "e0", "second": "e3"}),
        ("returned_by_two_units", {"first": "e1", "second": "e3"}),
        ("returned_by_two_units", {"first": "e3", "second": "e0"}),
        ("returned_by_two_units", {"first": "e3", "second": "e1"}),
    ]


def test_join_groups_get_a_neutral_last_term(adapter: DurableAdapter) -> None:
    """The guard against durable's short-circuit overrun, and what it compiles to."""
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    registered = json.loads(ruleset.definition)
    second = registered["returned_by_two_units"]["all"][1]["second"]
    assert second == {
        "$and": [
            {"$ex": {"__gr_i": 1}},
            {"type": "return_requested"},
            {"$neq": {"unit": {"first": "unit"}}},
            {"sid": {"first": "sid"}},
        ]
    }
    either = {
        "all": [{"a": {"t": "x"}}, {"b": {"$or": [{"$gt": {"n": {"a": "n"}}}, {"u": {"a": "u"}}]}}]
    }
    compiled = adapter.compile(fresh(), {"either": either})
    group = json.loads(compiled.definition)["either"]["all"][1]["b"]["$and"][1]
    assert group["$or"][-1] == {"$neq": {"sid": {"a": "sid"}}}


def test_joins_agree_with_a_python_oracle(adapter: DurableAdapter) -> None:
    """Cross-fact conditions whose last term is often false (where durable used to overrun)."""
    rules = {
        "later_other_unit": {
            "all": [
                {"a": {"t": "rr"}},
                {
                    "b": {
                        "$and": [
                            {"$neq": {"u": {"a": "u"}}},
                            {"t": "rr"},
                            {"$gt": {"n": {"a": "n"}}},
                        ]
                    }
                },
            ]
        },
        "same_unit_either": {
            "all": [
                {"a": {"t": "rr"}},
                {"b": {"$or": [{"$lt": {"n": {"a": "n"}}}, {"u": {"a": "u"}}]}},
            ]
        },
    }
    ruleset = adapter.compile(fresh(), rules)
    rng = random.Random(7)
    for _ in range(300):
        facts = [
            {
                "id": f"f{k}",
                "t": rng.choice(["rr", "x"]),
                "u": rng.choice("AB"),
                "n": rng.randrange(4),
            }
            for k in range(rng.randrange(1, 7))
        ]
        got = {
            (a.rule, a.facts["a"]["id"], a.facts["b"]["id"]) for a in adapter.run(ruleset, facts)
        }
        want = set()
        for a, b in itertools.permutations(facts, 2):
            if a["t"] == "rr" and b["t"] == "rr" and b["u"] != a["u"] and b["n"] > a["n"]:
                want.add(("later_other_unit", a["id"], b["id"]))
            if a["t"] == "rr" and (b["n"] < a["n"] or b["u"] == a["u"]):
                want.add(("same_unit_either", a["id"], b["id"]))
        assert got == want


def test_counting_the_second_continuation(adapter: DurableAdapter) -> None:
    """What fires on "the second continuation", in durable-rules 2.0.28."""
    rules = {
        # a join of two distinct continuations, the second later than the first
        "second_continuation": {
            "all": [
                {"first": {"type": "continuation"}},
                {"second": {"$and": [{"type": "continuation"}, {"$gt": {"at": {"first": "at"}}}]}},
            ]
        },
        # durable's count: fires once per complete group of 2 matches
        "pairs": {"count": 2, "all": [{"m": {"type": "continuation"}}]},
        # durable's cap: fires with up to 2 matches at a time
        "batches": {"cap": 2, "pri": 1, "all": [{"m": {"type": "continuation"}}]},
    }
    ruleset = adapter.compile(fresh(), rules)
    two = [
        fact("c1", "continuation", "2024-03-01T09:00", "A"),
        fact("c2", "continuation", "2024-03-02T09:00", "A"),
    ]
    three = [*two, fact("c3", "continuation", "2024-03-03T09:00", "A")]
    assert summary(adapter.run(ruleset, two[:1])) == [("batches", {"m": ["c1"]})]
    assert summary(adapter.run(ruleset, two)) == [
        ("second_continuation", {"first": "c1", "second": "c2"}),
        ("pairs", {"m": ["c2", "c1"]}),
        ("batches", {"m": ["c2", "c1"]}),
    ]
    assert summary(adapter.run(ruleset, three)) == [
        ("second_continuation", {"first": "c1", "second": "c2"}),
        ("second_continuation", {"first": "c1", "second": "c3"}),
        ("second_continuation", {"first": "c2", "second": "c3"}),
        ("pairs", {"m": ["c3", "c2"]}),  # c1 waits for a partner that never comes
        ("batches", {"m": ["c1"]}),
        ("batches", {"m": ["c3", "c2"]}),
    ]


def test_negation_depends_on_the_order_of_facts(adapter: DurableAdapter) -> None:
    """durable does not withdraw an activation when a later fact negates it."""
    rules = {
        "open": {
            "all": [
                {"a": {"type": "dispatched"}},
                {"b$not": {"$and": [{"type": "closed"}, {"unit": {"a": "unit"}}]}},
            ]
        }
    }
    ruleset = adapter.compile(fresh(), rules)
    dispatched, closed = (
        fact("e0", "dispatched", "2024-03-01", "A"),
        fact("e1", "closed", "2024-03-02", "A"),
    )
    assert summary(adapter.run(ruleset, [closed, dispatched])) == []
    assert summary(adapter.run(ruleset, [dispatched, closed])) == [("open", {"a": "e0"})]


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
    facts = [fact("e0", "replied", "2024-03-01", "A"), fact("e1", "closed", "2024-03-02", "A")]
    assert summary(adapter.run(one, facts)) == [("r", {"m": "e0"})]
    assert summary(adapter.run(two, facts)) == [("r", {"m": "e1"})]
    assert summary(adapter.run(same_rules, facts)) == [("r", {"m": "e0"})]


# --- determinism, threads, timers -----------------------------------------------------------


def orders(count: int, seed: int) -> list[list[dict[str, Any]]]:
    rng = random.Random(seed)
    kinds = ["dispatched", "signed_for", "return_requested", "replied", "callback", "closed"]
    return [
        [
            fact(f"o{n}e{k}", rng.choice(kinds), f"2024-03-{k + 1:02d}T09:00", rng.choice("AB"))
            for k in range(rng.randrange(1, 7))
        ]
        for n in range(count)
    ]


def test_output_is_deterministic(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    batch = orders(50, seed=3)
    first = json.dumps(
        [[asdict(a) for a in adapter.run(ruleset, facts)] for facts in batch], ensure_ascii=False
    )
    second = json.dumps(
        [[asdict(a) for a in adapter.run(ruleset, facts)] for facts in batch], ensure_ascii=False
    )
    assert first == second
    assert '"returned_by_two_units"' in first


def test_four_threads_give_what_sequential_runs_give(adapter: DurableAdapter) -> None:
    ruleset = adapter.compile(fresh(), RETURN_RULES)
    batches = [orders(200, seed=s) for s in range(4)]
    expected = [[adapter.run(ruleset, facts) for facts in batch] for batch in batches]
    results: list[list[list[Activation]]] = [[] for _ in batches]
    errors: list[BaseException] = []
    start = threading.Barrier(len(batches))

    def work(k: int) -> None:
        try:
            start.wait()
            results[k] = [adapter.run(ruleset, facts) for facts in batches[k]]
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
    adapter.run(ruleset, [fact("e0", "return_requested", "2024-03-01", "A")])
    after = threading.enumerate()
    assert {thread.ident for thread in after} == before
    assert not any(isinstance(thread, threading.Timer) for thread in after)


def test_get_adapter_is_a_singleton() -> None:
    assert get_adapter() is get_adapter()
