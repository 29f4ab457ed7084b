"""The one adapter through which grievance-rules uses durable-rules 2.0.28.

Nothing else in the library imports ``durable``. The adapter compiles a durable-rules
JSON ruleset definition (rule name → ``{"all": [...]}`` or ``{"any": [...]}``, no
actions) once per namespace and definition, and runs it over a list of plain-JSON facts
in a throw-away session, returning every activation as a plain :class:`Activation`.

durable-rules 2.0.28 (last released 2020) has sharp edges; this module tames them:

* **Its Python layer is not used.** ``durable.engine.Host`` starts two wall-clock
  ``threading.Timer`` threads in its constructor (``Host._run``) that poll every
  ruleset and run pending actions on their own thread; its action wrapper swallows
  exceptions into the session state, and silently stops a batch after an action that
  took more than 10 s of ``datetime.now()`` time. The adapter drives the C extension that
  ships with durable-rules (``durable.engine.durable_rules_engine``) itself, with the
  calls ``Ruleset.do_actions`` makes: assert the facts, then start and complete each
  action. No Host, no timer thread, no action lease, nothing swallowed.
* **Sessions.** A ruleset holds at most 1,024 live sessions (the 1,025th raises
  ``MemoryError``). Every :meth:`DurableAdapter.run` and
  :meth:`DurableAdapter.match_facts` uses a new session id and deletes the session in a
  ``finally`` clause, under the lock: at most one session is ever live.
* **Sessions cost more than facts.** Opening and deleting a session costs more than
  asserting a handful of facts. For rulesets whose rules each test one fact
  (:attr:`CompiledRuleset.single_fact`), :meth:`DurableAdapter.match_facts` asserts
  many facts (many orders' facts) in one session and says what each matched: a fact's
  matches cannot depend on the other facts of the session.
* **Deleting a session in which no action ever started reads uninitialised memory**
  (``deleteStateNode`` frees the session's action context, which only ``startAction``
  initialises) and may crash the process. Every session is therefore opened with one
  action: each compiled ruleset has an internal rule on durable's own session-state fact,
  which fires once when the session is created; the adapter runs and completes it before
  asserting the caller's facts.
* **Join conditions can crash the engine.** When the last cross-fact condition of an
  ``$and`` is false (or of an ``$or`` is true) the engine's short-circuit reads past the
  end of its expression list (``reduceExpressionSequence``): garbage at best, a
  segmentation fault at worst, depending on memory layout. The adapter appends a
  condition that never decides the group (``sid`` equal, or for ``$or`` unequal, to the
  ``sid`` of a fact the group already refers to; all facts of a session share it) as the
  last term of every ``$and``/``$or`` that refers to another fact.
* **Internal facts never match.** durable keeps a state fact in every session; a
  pattern such as ``{"$nex": {"closed": 1}}`` would match it. Each pattern is wrapped in
  ``{"$and": [{"$ex": {"__gr_i": 1}}, ...]}`` and every fact the caller gives carries
  ``__gr_i`` (its position), so patterns only ever match the caller's facts.
* **Unmatched facts.** ``Host.assert_facts`` raises ``MessageNotHandledException`` for a
  batch in which any fact matches no pattern (and then runs no action at all). The C
  call only returns a code for that; the adapter treats it as normal: a fact no rule
  matches is simply not stored.
* **Facts must be plain JSON** and durable has limits and conventions of its own: facts
  are identified by ``id`` (a repeated id raises ``MessageObservedException`` and the
  second fact is dropped), at most 255 properties (nested keys count) before a crash,
  ``sid`` and ``$``-keys are its own, nested keys are addressed as ``a.b``, integers are
  64-bit. :meth:`DurableAdapter.run` checks all of this first and raises
  :class:`~grievance_rules.errors.FactValidationError` naming the fact and key.
* **Definitions.** An expression object with several keys silently tests only its first
  key, and a reference from inside a nested ``name$all``/``name$any`` group to an outer
  pattern is silently ignored; the adapter refuses both (use ``$and``; keep joins at the
  top of an ``all``). References must name a pattern bound earlier in the same ``all``
  and the fact bound there must have the property (else durable fails with error 311,
  raised as :class:`~grievance_rules.errors.EngineError`).
* **Ruleset names** are namespaced and unique in the process:
  ``gr_<namespace>_<digest of the definition>``.

Activations are returned sorted: by the position of the rule in the definition, then
by the positions (in the ``facts`` given to :meth:`~DurableAdapter.run`) of the facts
they matched, in the order durable lists them, then in durable's firing order. The
order therefore does not depend on ``pri`` or on the engine's internals, and the same
input gives the same output.

durable semantics the caller should know (kept, not tamed): a ``name$not`` pattern only
blocks activations for facts asserted after the negating fact (facts are asserted in
the order given); ``count: n`` fires once per complete group of ``n`` matches (the most
recent first) and ``cap: n`` with up to ``n`` at a time; an ``any`` rule also fires for
frames that combine its alternatives; ``$gt``/``$lt`` compare strings lexically (so
ISO-8601 times of one offset compare as times).

Thread safety: the C extension keeps global, unsynchronised tables and never releases
the GIL, and a run is a sequence of calls on one session, so every compile and run holds
one process-wide lock. Threads get no parallelism from durable-rules either way.

Example:
    >>> from grievance_rules.engine._durable import get_adapter
    >>> adapter = get_adapter()
    >>> ruleset = adapter.compile("doctest@1", {
    ...     "returned": {"all": [{"m": {"type": "return_requested"}}]},
    ...     "returned_twice": {"all": [
    ...         {"first": {"type": "return_requested"}},
    ...         {"second": {"$and": [
    ...             {"type": "return_requested"},
    ...             {"$gt": {"at": {"first": "at"}}},
    ...         ]}},
    ...     ]},
    ... })
    >>> facts = [
    ...     {"id": "e0", "type": "return_requested", "at": "2024-03-01T09:00", "unit": "A"},
    ...     {"id": "e1", "type": "replied", "at": "2024-03-02T09:00", "unit": "A"},
    ...     {"id": "e2", "type": "return_requested", "at": "2024-03-03T09:00", "unit": "B"},
    ... ]
    >>> for activation in adapter.run(ruleset, facts):
    ...     print(activation.rule, {name: f["id"] for name, f in activation.facts.items()})
    returned {'m': 'e0'}
    returned {'m': 'e2'}
    returned_twice {'first': 'e0', 'second': 'e2'}
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import itertools
import json
import math
import re
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from grievance_rules.errors import (
    EngineError,
    FactValidationError,
    RuleActionError,
    RuleDefinitionError,
)

__all__ = [
    "DURABLE_RULES_VERSION",
    "MAX_FACT_PROPERTIES",
    "Activation",
    "CompiledRuleset",
    "DurableAdapter",
    "check_fact_integer",
    "get_adapter",
]

DURABLE_RULES_VERSION = "2.0.28"
"""The durable-rules release this adapter is written against (its workarounds are)."""

MAX_FACT_PROPERTIES = 250
"""Most keys a fact may have, nested keys included (durable-rules crashes past 255)."""

_SID = "sid"
_INDEX = "__gr_i"
_RESERVED = "__gr_"
_OPEN_RULE = "__gr_open__"
_OPEN_ID = "__gr_open__"
_USER_FACT: dict[str, Any] = {"$ex": {_INDEX: 1}}
_RULE_KEYS = frozenset({"all", "any", "pri", "count", "cap", "dist"})
_COMPARISONS = frozenset({"$eq", "$lt", "$lte", "$gt", "$gte", "$neq", "$mt", "$imt"})
_ARITHMETIC = frozenset({"$add", "$sub", "$mul", "$div"})
_INT64 = range(-(2**63), 2**63)
_NAMESPACE = re.compile(r"[^\s$]{1,200}")
_JSON_TYPES = "str, int, float, bool, None, list, dict with str keys"
_PLAIN_SCALARS = frozenset({str, bool, type(None)})

_LOCK = threading.Lock()
_REGISTRY: dict[tuple[str, str], CompiledRuleset] = {}
_SESSIONS = itertools.count(1)
_ENGINE: Any = None
_ADAPTER: DurableAdapter | None = None


@dataclass(frozen=True, slots=True)
class Activation:
    """One firing of one rule.

    Attributes:
        rule: the durable rule name that fired.
        facts: the matched facts, by the names durable gives them: ``{"m": fact}`` for a
            single-pattern rule, the pattern names (``m_0``, ``m_1`` … or the names
            used) for an ``all``/``any`` rule. For a rule with ``count`` or ``cap``
            durable delivers several matches at once; each name then maps to the list of
            facts, one per match. Facts are the caller's own facts, as plain dicts.
    """

    rule: str
    facts: dict[str, Any]


@dataclass(frozen=True, slots=True)
class CompiledRuleset:
    """A ruleset registered with durable-rules; get one from :meth:`DurableAdapter.compile`.

    Attributes:
        name: the durable ruleset name, ``gr_<namespace>_<digest>``.
        namespace: the namespace it was compiled under.
        digest: a hash of the definition as given.
        rule_names: the definition's rule names, in its order.
        definition: the JSON registered with durable-rules (the definition after the
            adapter's rewriting, with its internal rule).
        handle: durable's handle of the ruleset.
        properties: the top-level fact properties the patterns read (``a`` for ``a.b``);
            a fact's other properties cannot change what it matches.
        single_fact: every rule is an ``all`` of one plain pattern (no ``count``/``cap``)
            that does not read ``id``: what a fact matches then depends on that fact alone,
            and :meth:`DurableAdapter.match_facts` may be used.
    """

    name: str
    namespace: str
    digest: str
    rule_names: tuple[str, ...]
    definition: str = field(repr=False)
    handle: int = field(repr=False)
    _rule_index: Mapping[str, int] = field(repr=False, compare=False)
    properties: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    single_fact: bool = field(default=False, repr=False, compare=False)


class DurableAdapter:
    """Compiles durable-rules rulesets and runs them over facts; see the module docstring.

    Instances share one process-wide registry and lock; use :func:`get_adapter`.
    """

    def __init__(self) -> None:
        self._engine = _load_engine()

    def compile(self, namespace: str, rules: Mapping[str, Any]) -> CompiledRuleset:
        """Register a ruleset definition with durable-rules, once.

        Args:
            namespace: who the rules belong to, e.g. ``"chengdong@2024"``; no whitespace
                or ``$``, at most 200 characters.
            rules: durable-rules' JSON ruleset definition: rule name → ``{"all": [...]}``
                or ``{"any": [...]}`` (optionally ``pri``, ``count`` or ``cap``,
                ``dist``), without actions. Each pattern element is ``{name: expression}``
                (or ``name$all``/``name$any`` with a list of patterns, or ``name$not``).

        Returns:
            The compiled ruleset. The same namespace and definition (rule order counts,
            key order inside a rule does not) give the same object.

        Raises:
            RuleDefinitionError: the definition is malformed, uses a form the adapter
                refuses, or durable-rules rejects it.
        """
        if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
            raise RuleDefinitionError(
                f"namespace {namespace!r}: 1 to 200 characters, no whitespace or '$'"
            )
        checked = _check_definition(rules)
        canonical = json.dumps(checked, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        with _LOCK:
            cached = _REGISTRY.get((namespace, digest))
            if cached is not None:
                return cached
            registered: dict[str, Any] = {_OPEN_RULE: {"all": [{"m": {"$s": 1}}]}}
            for rule_name, rule in checked:
                registered[rule_name] = _harden_rule(rule)
            text = json.dumps(registered, ensure_ascii=False)
            name = f"gr_{namespace}_{digest}"
            try:
                handle = int(self._engine.create_ruleset(name, text))
            except Exception as error:
                raise RuleDefinitionError(
                    f"durable-rules refused ruleset {name!r}: {error}"
                ) from error
            names = tuple(rule_name for rule_name, _ in checked)
            properties = frozenset(prop for _, rule in checked for prop in _rule_properties(rule))
            compiled = CompiledRuleset(
                name=name,
                namespace=namespace,
                digest=digest,
                rule_names=names,
                definition=text,
                handle=handle,
                _rule_index=MappingProxyType({n: k for k, n in enumerate(names)}),
                properties=properties,
                single_fact="id" not in properties
                and all(_is_single_fact(rule) for _, rule in checked),
            )
            _REGISTRY[(namespace, digest)] = compiled
            return compiled

    def run(self, ruleset: CompiledRuleset, facts: Sequence[Mapping[str, Any]]) -> list[Activation]:
        """Assert ``facts`` in a new session, collect every activation, delete the session.

        Facts are asserted as durable *facts* (not events), so a rule may join several of
        them, in the order given (which matters only for ``$not`` patterns: durable does
        not withdraw an activation when a fact that negates it arrives later).

        Args:
            ruleset: a ruleset from :meth:`compile`.
            facts: plain-JSON objects (str/int/float/bool/None/list/dict with str keys);
                no ``sid``, ``$…``, ``__gr_…`` or dotted keys; ``id``, if present, a str
                or int unique among the facts; at most :data:`MAX_FACT_PROPERTIES` keys.

        Returns:
            The activations, sorted as the module docstring says.

        Raises:
            FactValidationError: a fact is not plain JSON or breaks one of durable's
                rules; the message names the fact's index and key.
            RuleActionError: recording an activation raised; the cause is chained.
            EngineError: durable-rules failed; the cause is chained.
        """
        session = f"{_RESERVED}{next(_SESSIONS)}"
        text = _encode_facts(facts, session)
        if not facts:
            return []
        found: list[tuple[tuple[int, tuple[int, ...], int], Activation]] = []

        def record(message: str) -> None:
            self._record(ruleset, message, len(found), found)

        self._in_session(ruleset, session, text, record)
        found.sort(key=lambda item: item[0])
        return [activation for _, activation in found]

    def match_facts(
        self, ruleset: CompiledRuleset, facts: Sequence[Mapping[str, Any]]
    ) -> list[tuple[str, ...]]:
        """Match each fact on its own, all of them in one new session; delete the session.

        For a ruleset whose rules each test one fact (:attr:`CompiledRuleset.single_fact`)
        what a fact matches does not depend on the other facts of the session, so many
        facts (many orders' facts) can share one session: one session, one assertion and
        one action loop for all of them, instead of one session per group. The adapter
        numbers the facts itself (durable's ``id``).

        Args:
            ruleset: a ruleset from :meth:`compile` with ``single_fact`` set.
            facts: plain-JSON objects as for :meth:`run`, without ``id``.

        Returns:
            For each fact, in the order given, the names of the rules it matched, each
            once, in the order of the definition.

        Raises:
            RuleDefinitionError: a rule of the ruleset tests more than one fact (or
                reads ``id``); use :meth:`run`.
            FactValidationError: as for :meth:`run`, or a fact has an ``id``.
            RuleActionError: recording an activation raised; the cause is chained.
            EngineError: durable-rules failed; the cause is chained.

        Example:
            >>> adapter = get_adapter()
            >>> ruleset = adapter.compile("doctest-match@1", {
            ...     "returned": {"all": [{"m": {"type": "return_requested"}}]},
            ...     "by_a": {"all": [{"m": {"unit": "A"}}]},
            ... })
            >>> adapter.match_facts(ruleset, [
            ...     {"type": "return_requested", "unit": "A"},
            ...     {"type": "replied", "unit": "B"},
            ...     {"type": "return_requested", "unit": "B"},
            ... ])
            [('returned', 'by_a'), (), ('returned',)]
        """
        if not ruleset.single_fact:
            raise RuleDefinitionError(
                f"ruleset {ruleset.name}: a rule tests more than one fact (or reads 'id');"
                " facts cannot share a session: use run()"
            )
        session = f"{_RESERVED}{next(_SESSIONS)}"
        for index, fact in enumerate(facts):
            if isinstance(fact, Mapping) and "id" in fact:
                raise FactValidationError(
                    f"fact {index}, key 'id': match_facts numbers the facts itself"
                )
        text = _encode_facts(facts, session, number=True)
        if not facts:
            return []
        rule_index = ruleset._rule_index
        matched: list[set[int]] = [set() for _ in facts]

        def record(message: str) -> None:
            ((rule, frame),) = json.loads(message).items()
            if rule == _OPEN_RULE:
                return
            try:
                position = frame["m"][_INDEX]
                matched[position].add(rule_index[rule])
            except (KeyError, TypeError, IndexError) as error:
                raise EngineError(
                    f"ruleset {ruleset.name}: rule {rule!r} matched a fact the adapter did"
                    f" not assert: {frame!r}"
                ) from error

        self._in_session(ruleset, session, text, record)
        names = ruleset.rule_names
        return [tuple(names[k] for k in sorted(found)) for found in matched]

    def _in_session(
        self, ruleset: CompiledRuleset, session: str, text: str, record: Callable[[str], None]
    ) -> None:
        """Open ``session``, assert ``text`` and record every action; always delete it."""
        with _LOCK:
            self._open(ruleset, session)
            try:
                self._assert_and_collect(ruleset, text, record)
            except BaseException as error:
                self._close(ruleset, session, error)
                raise
            self._close(ruleset, session, None)

    def _assert_and_collect(
        self, ruleset: CompiledRuleset, text: str, record: Callable[[str], None]
    ) -> None:
        """Assert the facts, then start, record and complete every action, in turn."""
        engine = self._engine
        handle = ruleset.handle
        try:
            code, offset = engine.assert_facts(handle, text)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, "asserting facts", error)) from error
        if code not in (0, 1):  # 1: some fact matched no pattern, which is fine
            raise EngineError(
                f"ruleset {ruleset.name}: durable-rules returned code {code} for the facts"
            )
        try:
            fired = engine.start_action_for_state(handle, offset)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, "starting an action", error)) from error
        message = None if fired is None else fired[1]
        while message is not None:
            try:
                record(message)
            except EngineError:
                raise
            except Exception as error:
                raise RuleActionError(
                    f"ruleset {ruleset.name}: recording an activation failed: {error!r}"
                ) from error
            try:
                message = engine.complete_and_start_action(handle, offset)
            except Exception as error:
                raise EngineError(
                    _engine_message(ruleset, "completing an action", error)
                ) from error

    def _open(self, ruleset: CompiledRuleset, session: str) -> None:
        """Create the session and run its one internal action (see the module docstring)."""
        engine = self._engine
        opener = f'{{"{_SID}": "{session}", "id": "{_OPEN_ID}"}}'  # session ids are plain ASCII
        try:
            _, offset = engine.assert_fact(ruleset.handle, opener)
            fired = engine.start_action_for_state(ruleset.handle, offset)
            opened = False
            while fired is not None:
                opened = opened or _OPEN_RULE in json.loads(fired[1])
                following = engine.complete_and_start_action(ruleset.handle, offset)
                fired = None if following is None else (None, following)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, "opening a session", error)) from error
        if not opened:  # pragma: no cover - durable always fires it
            # The session cannot be deleted safely now; leaving it costs one of 1,024.
            raise EngineError(f"ruleset {ruleset.name}: session {session} did not open")

    def _close(self, ruleset: CompiledRuleset, session: str, pending: BaseException | None) -> None:
        """Delete the session; if ``pending`` is being raised, only note a failure on it."""
        try:
            self._engine.delete_state(ruleset.handle, session)
        except Exception as error:
            if pending is None:
                raise EngineError(
                    _engine_message(ruleset, f"deleting session {session}", error)
                ) from error
            pending.add_note(f"deleting durable session {session} also failed: {error!r}")

    def _record(
        self,
        ruleset: CompiledRuleset,
        message: str,
        sequence: int,
        sink: list[tuple[tuple[int, tuple[int, ...], int], Activation]],
    ) -> None:
        """Turn one durable action message into an :class:`Activation` in ``sink``."""
        ((rule, matched),) = json.loads(message).items()
        if rule == _OPEN_RULE:
            return
        positions: list[int] = []
        if isinstance(matched, list):  # count / cap: several matches at once
            facts: dict[str, Any] = {}
            for frame in matched:
                for name, fact in frame.items():
                    facts.setdefault(name, []).append(_own_fact(ruleset, rule, fact, positions))
        else:  # a fresh dict from json.loads: strip the adapter's keys in place
            for fact in matched.values():
                _own_fact(ruleset, rule, fact, positions)
            facts = matched
        key = (ruleset._rule_index[rule], tuple(positions), sequence)
        sink.append((key, Activation(rule, facts)))

    def _session_exists(self, ruleset: CompiledRuleset, session: str) -> bool:
        """Whether durable still holds ``session`` (for tests)."""
        with _LOCK:
            try:
                self._engine.get_state(ruleset.handle, session)
            except Exception as error:
                if "error code: 309" in str(error):  # ERR_SID_NOT_FOUND
                    return False
                raise EngineError(_engine_message(ruleset, "reading a session", error)) from error
            return True


def get_adapter() -> DurableAdapter:
    """The process-wide adapter.

    Raises:
        EngineError: durable-rules cannot be imported (it does not build or import on
            Python 3.13) or is not version 2.0.28.
    """
    global _ADAPTER
    if _ADAPTER is None:
        with _LOCK:
            if _ADAPTER is None:
                _ADAPTER = DurableAdapter()
    return _ADAPTER


def _load_engine() -> Any:
    """durable-rules' C extension, after checking the release."""
    global _ENGINE
    if _ENGINE is None:
        try:
            from durable import engine as durable_engine
        except ImportError as error:
            raise EngineError(
                f"durable-rules {DURABLE_RULES_VERSION} cannot be imported on Python "
                f"{sys.version_info.major}.{sys.version_info.minor}: {error}; it installs "
                "with pip install 'grievance-rules[durable]' on Python 3.11-3.12 (the "
                "native engine, the default, needs nothing more)"
            ) from error
        installed = importlib.metadata.version("durable-rules")
        if installed != DURABLE_RULES_VERSION:
            raise EngineError(
                f"durable-rules {installed} is installed; the adapter is written against "
                f"{DURABLE_RULES_VERSION} and its defects"
            )
        _ENGINE = durable_engine.durable_rules_engine
    return _ENGINE


def _engine_message(ruleset: CompiledRuleset, doing: str, error: Exception) -> str:
    text = f"ruleset {ruleset.name}: durable-rules failed {doing}: {error!r}"
    if "error code: 311" in str(error):
        text += (
            " (ERR_PROPERTY_NOT_FOUND: a condition refers to a property that a fact bound"
            " by an earlier pattern does not have)"
        )
    elif isinstance(error, MemoryError):
        text += " (durable-rules reports its 1,024-session limit as MemoryError)"
    return text


def _own_fact(ruleset: CompiledRuleset, rule: str, fact: Any, positions: list[int]) -> Any:
    """The caller's fact from its durable copy; records its position."""
    try:
        positions.append(fact.pop(_INDEX))
        del fact[_SID]
    except (AttributeError, KeyError, TypeError) as error:
        raise EngineError(
            f"ruleset {ruleset.name}: rule {rule!r} matched a fact the adapter did not assert:"
            f" {fact!r}"
        ) from error
    return fact


# --- facts --------------------------------------------------------------------------


def _encode_facts(facts: Sequence[Mapping[str, Any]], session: str, *, number: bool = False) -> str:
    """Check the facts and return the JSON array durable is given.

    ``number``: the adapter gives each fact its position as ``id``.
    """
    if isinstance(facts, str | bytes) or not isinstance(facts, Sequence):
        raise FactValidationError(
            f"facts must be a sequence of objects, not {type(facts).__name__}"
        )
    ids: dict[str, int] = {}
    payload: list[dict[str, Any]] = []
    for index, fact in enumerate(facts):
        if not isinstance(fact, Mapping):
            raise FactValidationError(f"fact {index}: {type(fact).__name__} is not an object")
        count = len(fact)
        for key, value in fact.items():
            if key.__class__ is not str:
                raise FactValidationError(f"fact {index}: key {key!r} is not a str")
            if key == _SID or key.startswith(_RESERVED):
                raise FactValidationError(
                    f"fact {index}, key {key!r}: reserved ({_SID!r} is durable's session id,"
                    f" {_RESERVED!r}… the adapter's)"
                )
            _check_key(key, index, key)
            if value.__class__ not in _PLAIN_SCALARS:  # the common case stays cheap
                count += _check_value(value, index, key)
        if count > MAX_FACT_PROPERTIES:
            raise FactValidationError(
                f"fact {index}: {count} keys (nested keys included); durable-rules"
                f" {DURABLE_RULES_VERSION} holds at most {MAX_FACT_PROPERTIES}"
            )
        if "id" in fact:
            ident = fact["id"]
            if isinstance(ident, bool) or not isinstance(ident, str | int):
                raise FactValidationError(
                    f"fact {index}, key 'id': durable-rules identifies facts by id; it must be"
                    f" a str or int, not {type(ident).__name__}"
                )
            if isinstance(ident, str) and _RESERVED in ident:
                raise FactValidationError(
                    f"fact {index}, key 'id': {ident!r}: ids containing {_RESERVED!r} are the"
                    " adapter's"
                )
            if str(ident) in ids:
                raise FactValidationError(
                    f"fact {index}, key 'id': {ident!r} is also the id of fact"
                    f" {ids[str(ident)]}; durable-rules would drop one of them"
                )
            ids[str(ident)] = index
        if number:
            payload.append({**fact, "id": index, _SID: session, _INDEX: index})
        else:
            payload.append({**fact, _SID: session, _INDEX: index})
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def check_fact_integer(value: int, index: int, path: str) -> None:
    """Refuse an integer durable-rules cannot hold, as :meth:`DurableAdapter.run` would.

    Raises:
        FactValidationError: ``value`` does not fit 64 bits; names fact ``index``, key ``path``.
    """
    if value not in _INT64:
        raise FactValidationError(
            f"fact {index}, key {path!r}: {value} does not fit durable's 64-bit integers"
        )


def _check_value(value: Any, index: int, path: str) -> int:
    """Check one plain-JSON value; return how many nested keys it holds."""
    if value is None or isinstance(value, str | bool):
        return 0
    if isinstance(value, int):
        check_fact_integer(value, index, path)
        return 0
    if isinstance(value, float):
        if not math.isfinite(value):
            raise FactValidationError(f"fact {index}, key {path!r}: {value} is not finite JSON")
        return 0
    if isinstance(value, list):
        return sum(_check_value(item, index, f"{path}[{k}]") for k, item in enumerate(value))
    if isinstance(value, dict):
        count = 0
        for key, item in value.items():
            if not isinstance(key, str):
                raise FactValidationError(f"fact {index}, key {path!r}: key {key!r} is not a str")
            _check_key(key, index, f"{path}.{key}")
            count += 1 + _check_value(item, index, f"{path}.{key}")
        return count
    raise FactValidationError(
        f"fact {index}, key {path!r}: {type(value).__name__} is not plain JSON ({_JSON_TYPES})"
    )


def _check_key(key: str, index: int, path: str) -> None:
    if key[:1] == "$" or "." in key:
        raise FactValidationError(
            f"fact {index}, key {path!r}: durable-rules reserves '$' keys and addresses nested"
            " keys as 'a.b'; use another name"
        )


# --- definitions --------------------------------------------------------------------


def _check_definition(rules: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """Check a definition; return its rules as plain JSON, in order."""
    if not isinstance(rules, Mapping):
        raise RuleDefinitionError(f"a definition maps rule names to rules, not {type(rules)}")
    checked: list[tuple[str, dict[str, Any]]] = []
    for rule_name, rule in rules.items():
        if not isinstance(rule_name, str) or not rule_name or rule_name.startswith(_RESERVED):
            raise RuleDefinitionError(
                f"rule name {rule_name!r}: a non-empty str not starting with {_RESERVED!r}"
            )
        where = f"rule {rule_name!r}"
        try:
            plain = json.loads(json.dumps(rule, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise RuleDefinitionError(f"{where}: not plain JSON: {error}") from error
        if not isinstance(plain, dict):
            raise RuleDefinitionError(f"{where}: a rule is an object, not {type(rule).__name__}")
        if "run" in plain:
            raise RuleDefinitionError(f"{where}: 'run': the adapter adds the actions itself")
        unknown = sorted(set(plain) - _RULE_KEYS)
        if unknown:
            raise RuleDefinitionError(f"{where}: unknown keys {unknown}")
        if ("all" in plain) == ("any" in plain):
            raise RuleDefinitionError(f"{where}: exactly one of 'all' and 'any'")
        if "count" in plain and "cap" in plain:
            raise RuleDefinitionError(f"{where}: 'count' and 'cap' exclude each other")
        for option, low in (("pri", -(2**31)), ("count", 1), ("cap", 1)):
            if option in plain:
                value = plain[option]
                if isinstance(value, bool) or not isinstance(value, int) or value < low:
                    raise RuleDefinitionError(f"{where}: {option!r} must be an int >= {low}")
        if "dist" in plain:
            if plain["dist"] not in (0, 1):
                raise RuleDefinitionError(f"{where}: 'dist' must be 0, 1, true or false")
            plain["dist"] = int(plain["dist"])
        gate = "all" if "all" in plain else "any"
        _check_patterns(plain[gate], gate, f"{where}, {gate!r}")
        checked.append((rule_name, plain))
    return checked


def _check_patterns(patterns: Any, gate: str, where: str, *, nested: bool = False) -> None:
    """Check a pattern list; references may only name earlier patterns of a top ``all``."""
    if not isinstance(patterns, list) or not patterns:
        raise RuleDefinitionError(f"{where}: a non-empty list of patterns")
    scope: set[str] = set()
    for k, pattern in enumerate(patterns):
        at = f"{where}[{k}]"
        if not isinstance(pattern, dict) or len(pattern) != 1:
            raise RuleDefinitionError(f"{at}: a pattern is an object with one name")
        ((name, body),) = pattern.items()
        alias, _, suffix = name.partition("$")
        if not alias or "." in alias or suffix not in ("", "all", "any", "not"):
            raise RuleDefinitionError(f"{at}: bad pattern name {name!r}")
        if suffix in ("all", "any"):
            _check_patterns(body, suffix, f"{at}.{name}", nested=True)
        else:
            refs = _check_expression(body, at)
            if refs and nested:
                raise RuleDefinitionError(
                    f"{at}: refers to {refs[0]!r} inside a nested '$all'/'$any' group;"
                    " durable-rules 2.0.28 silently ignores such references"
                )
            for ref in refs:
                if ref not in scope:
                    raise RuleDefinitionError(
                        f"{at}: refers to {ref!r}, which no earlier pattern of this 'all' binds"
                    )
        if gate == "all" and suffix != "not":
            scope.add(alias)


def _check_expression(expression: Any, where: str) -> list[str]:
    """Check an expression; return the pattern names it refers to, first seen first."""
    if not isinstance(expression, dict) or len(expression) != 1:
        raise RuleDefinitionError(
            f"{where}: an expression is an object with exactly one key (durable tests only the"
            f" first key of {json.dumps(expression, ensure_ascii=False)}; use $and)"
        )
    ((key, value),) = expression.items()
    refs: list[str] = []
    if key in ("$and", "$or"):
        if not isinstance(value, list) or not value:
            raise RuleDefinitionError(f"{where}: {key} takes a non-empty list")
        for item in value:
            refs += [r for r in _check_expression(item, where) if r not in refs]
        return refs
    if key in ("$ex", "$nex"):
        _single(value, key, where)
        return refs
    if key in ("$iall", "$iany"):
        _, inner = _single(value, key, where)
        if _check_expression(inner, where):
            raise RuleDefinitionError(f"{where}: {key} cannot refer to other patterns")
        return refs
    if key in _COMPARISONS:
        _, operand = _single(value, key, where)
        return _check_operand(operand, where)
    if key.startswith("$"):
        raise RuleDefinitionError(f"{where}: unknown or unsupported operator {key!r}")
    return _check_operand(value, where)


def _single(value: Any, key: str, where: str) -> tuple[str, Any]:
    if not isinstance(value, dict) or len(value) != 1:
        raise RuleDefinitionError(f"{where}: {key} takes an object with one property")
    ((prop, operand),) = value.items()
    if prop.startswith("$"):
        raise RuleDefinitionError(f"{where}: {key} of {prop!r}")
    return prop, operand


def _check_operand(operand: Any, where: str) -> list[str]:
    """Check a comparison's right side; return the pattern names it refers to."""
    if operand is None or isinstance(operand, str | int | float | bool):
        return []
    if not isinstance(operand, dict) or len(operand) != 1:
        raise RuleDefinitionError(
            f"{where}: a right side is a JSON scalar, {{name: property}} or an arithmetic"
            f" expression, not {json.dumps(operand, ensure_ascii=False)}"
        )
    ((key, value),) = operand.items()
    if key in _ARITHMETIC:
        if not isinstance(value, dict) or set(value) != {"$l", "$r"}:
            raise RuleDefinitionError(f"{where}: {key} takes {{'$l': …, '$r': …}}")
        left = _check_operand(value["$l"], where)
        return left + [r for r in _check_operand(value["$r"], where) if r not in left]
    if not isinstance(value, str) or (key.startswith("$") and key != "$m"):
        raise RuleDefinitionError(f"{where}: unsupported reference {{{key!r}: {value!r}}}")
    return [] if key == "$m" else [key]


def _is_single_fact(rule: dict[str, Any]) -> bool:
    """Whether a checked rule is an ``all`` of one plain pattern, without count or cap."""
    patterns = rule.get("all")
    if patterns is None or len(patterns) != 1 or "count" in rule or "cap" in rule:
        return False
    ((name, _),) = patterns[0].items()
    return "$" not in name


def _rule_properties(rule: dict[str, Any]) -> set[str]:
    """The top-level fact properties a checked rule's patterns read."""
    found: set[str] = set()
    for pattern in rule["all" if "all" in rule else "any"]:
        ((name, body),) = pattern.items()
        if name.endswith(("$all", "$any")):
            found |= _rule_properties({"all": body})
        else:
            _expression_properties(body, found)
    return found


def _expression_properties(expression: dict[str, Any], found: set[str]) -> None:
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        for item in value:
            _expression_properties(item, found)
    elif key in ("$ex", "$nex"):
        found.update(prop.split(".")[0] for prop in value)
    elif key in ("$iall", "$iany"):  # the inner expression reads the list's items
        ((prop, _),) = value.items()
        found.add(prop.split(".")[0])
    else:
        if key in _COMPARISONS:
            ((key, value),) = value.items()
        found.add(key.split(".")[0])
        _operand_properties(value, found)


def _operand_properties(operand: Any, found: set[str]) -> None:
    """Properties of the fact itself a right side reads (``{"$m": prop}``)."""
    if not isinstance(operand, dict):
        return
    ((key, value),) = operand.items()
    if key in _ARITHMETIC:
        _operand_properties(value["$l"], found)
        _operand_properties(value["$r"], found)
    elif key == "$m":
        found.add(value.split(".")[0])


def _harden_rule(rule: dict[str, Any]) -> dict[str, Any]:
    """The rule as registered: user-fact guard on each pattern, join guards appended."""
    hardened = dict(rule)
    gate = "all" if "all" in rule else "any"
    hardened[gate] = [_harden_pattern(pattern) for pattern in rule[gate]]
    return hardened


def _harden_pattern(pattern: dict[str, Any]) -> dict[str, Any]:
    ((name, body),) = pattern.items()
    if name.endswith(("$all", "$any")):
        return {name: [_harden_pattern(inner) for inner in body]}
    terms = body.get("$and", [body])
    return {name: _guard({"$and": [_USER_FACT, *terms]})}


def _guard(expression: dict[str, Any]) -> dict[str, Any]:
    """Append a neutral last term to every ``$and``/``$or`` that refers to another fact."""
    ((key, value),) = expression.items()
    if key not in ("$and", "$or"):
        return expression
    terms = [_guard(term) for term in value]
    refs = _check_expression(expression, "")
    if refs:
        own_sid = {_SID: {refs[0]: _SID}}
        terms.append(own_sid if key == "$and" else {"$neq": own_sid})
    return {key: terms}
