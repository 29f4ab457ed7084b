"""A pure-Python reading of the durable-rules patterns the compiler emits.

Used by the tests as an independent check: for any order, the facts each
pattern matches under durable-rules must be the facts this matcher selects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


def matches(pattern: dict[str, Any], fact: dict[str, Any]) -> bool:
    ((key, value),) = pattern.items() if len(pattern) == 1 else [next(iter(pattern.items()))]
    if len(pattern) != 1:
        return all(matches({k: v}, fact) for k, v in pattern.items())
    if key == "$and":
        return all(matches(p, fact) for p in value)
    if key == "$or":
        return any(matches(p, fact) for p in value)
    if key in ("$ex", "$nex"):
        ((field, _),) = value.items()
        return (field in fact) == (key == "$ex")
    if key in ("$neq", "$gte", "$lte", "$gt", "$lt"):
        ((field, operand),) = value.items()
        if field not in fact:
            return False
        actual = fact[field]
        return {
            "$neq": lambda: actual != operand,
            "$gte": lambda: actual >= operand,
            "$lte": lambda: actual <= operand,
            "$gt": lambda: actual > operand,
            "$lt": lambda: actual < operand,
        }[key]()
    return key in fact and fact[key] == value


@dataclass(frozen=True)
class Activation:
    rule: str
    facts: dict[str, Any]


class ReferenceAdapter:
    """Matching in Python: :meth:`match_facts` as the durable adapter's, :meth:`run` with
    one activation per rule and fact (sorted by rule name)."""

    def compile(self, namespace: str, rules: dict[str, Any]) -> dict[str, Any]:
        return rules

    def match_facts(
        self, ruleset: dict[str, Any], facts: list[dict[str, Any]]
    ) -> list[tuple[str, ...]]:
        """For each fact, the rules it matches, in the order of the definition."""
        patterns = [(name, rule["all"][0]["m"]) for name, rule in ruleset.items()]
        return [tuple(name for name, p in patterns if matches(p, fact)) for fact in facts]

    def run(self, ruleset: dict[str, Any], facts: list[dict[str, Any]]) -> list[Activation]:
        out = []
        for name, rule in sorted(ruleset.items()):
            (pattern,) = [p["m"] for p in rule["all"]]
            out.extend(Activation(name, {"m": fact}) for fact in facts if matches(pattern, fact))
        return out
