"""The one adapter through which grievance-rules uses durable-rules 2.0.28.

Nothing else in the library imports ``durable``. The engine asks durable-rules one
question: which of these facts does each single-fact pattern match? The adapter
compiles a durable-rules JSON ruleset definition of such patterns (rule name →
``{"all": [{"m": pattern}]}``, no actions) once per namespace and definition, and
:meth:`DurableAdapter.match_facts` asserts a list of plain-JSON facts in one throw-away
session and says, for each fact, which rules it matched.

**Only single-fact rules.** The pack compiler (:mod:`grievance_rules.engine.compiler`)
emits nothing else, so the adapter refuses, naming the rule, every other form
durable-rules has: a rule over several facts (joins, references to another pattern),
``any``, ``count``, ``cap``, ``pri`` and ``dist``, ``name$not``/``name$all``/``name$any``
groups, right sides that are not JSON scalars (references, ``$m``, arithmetic), and
operators other than ``$and``, ``$or``, ``$ex``, ``$nex``, ``$neq``, ``$gt``, ``$gte``,
``$lt``, ``$lte`` and plain equality ``{property: value}``. durable-rules' multi-fact
machinery has defects of its own (a join's short-circuit reads past the end of its
expression list, a ``$not`` depends on the order of facts) that the engine need not
work around by never using it; and what a fact matches then depends on that fact alone,
so the facts of many orders can share one session.

durable-rules 2.0.28 (last released 2020) has sharp edges that still apply; this module
tames them:

* **Its Python layer is not used.** ``durable.engine.Host`` starts two wall-clock
  ``threading.Timer`` threads in its constructor (``Host._run``) that poll every
  ruleset and run pending actions on their own thread; its action wrapper swallows
  exceptions into the session state, and silently stops a batch after an action that
  took more than 10 s of ``datetime.now()`` time. The adapter drives the C extension that
  ships with durable-rules (``durable.engine.durable_rules_engine``) itself, with the
  calls ``Ruleset.do_actions`` makes: assert the facts, then start and complete each
  action. No Host, no timer thread, no action lease, nothing swallowed.
* **Sessions.** A ruleset holds at most 1,024 live sessions (the 1,025th raises
  ``MemoryError``). Every :meth:`DurableAdapter.match_facts` uses a new session id and
  deletes the session in a ``finally`` clause, under the lock: at most one session is
  ever live.
* **Sessions cost more than facts.** Opening and deleting a session costs more than
  asserting a handful of facts, so :meth:`DurableAdapter.match_facts` asserts many facts
  (many orders' facts) in one session.
* **Deleting a session in which no action ever started reads uninitialised memory**
  (``deleteStateNode`` frees the session's action context, which only ``startAction``
  initialises) and may crash the process. Every session is therefore opened with one
  action: each compiled ruleset has an internal rule on durable's own session-state fact,
  which fires once when the session is created; the adapter runs and completes it before
  asserting the caller's facts.
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
  second fact is dropped; the adapter numbers the facts itself), at most 255 properties
  (nested keys count) before a crash, ``sid`` and ``$``-keys are its own, nested keys are
  addressed as ``a.b``, integers are 64-bit. :meth:`DurableAdapter.match_facts` checks all
  of this first and raises :class:`~grievance_rules.errors.FactValidationError` naming
  the fact and key (:func:`check_fact_integer` is the integer check alone).
* **Definitions.** An expression object with several keys silently tests only its first
  key; the adapter refuses it (use ``$and``). A pattern may not read ``id``, ``sid`` or
  ``__gr_…`` (the adapter's and durable's own properties).
* **Ruleset names** are namespaced and unique in the process:
  ``gr_<namespace>_<digest of the definition>``.

durable semantics the caller should know (kept, not tamed): an ``$or`` fires once per
branch that holds (:meth:`~DurableAdapter.match_facts` names each rule once per fact);
``$gt``/``$lt`` compare strings lexically (so ISO-8601 times of one offset compare as
times); a comparison with a property the fact lacks does not hold.

Thread safety: the C extension keeps global, unsynchronised tables and never releases
the GIL, and matching is a sequence of calls on one session, so every compile and match
holds one process-wide lock. Threads get no parallelism from durable-rules either way.

Example:
    >>> from grievance_rules.engine._durable import get_adapter
    >>> adapter = get_adapter()
    >>> ruleset = adapter.compile("doctest@1", {
    ...     "returned": {"all": [{"m": {"type": "return_requested"}}]},
    ...     "late": {"all": [{"m": {"$gt": {"at": "2024-03-02"}}}]},
    ...     "unclosed": {"all": [{"m": {"$nex": {"closed": 1}}}]},
    ... })
    >>> adapter.match_facts(ruleset, [
    ...     {"type": "return_requested", "at": "2024-03-01T09:00", "unit": "A"},
    ...     {"type": "replied", "at": "2024-03-02T09:00", "closed": True},
    ...     {"type": "return_requested", "at": "2024-03-03T09:00", "unit": "B"},
    ... ])
    [('returned', 'unclosed'), ('late',), ('returned', 'late', 'unclosed')]
    >>> adapter.compile("doctest@1", {"twice": {"all": [
    ...     {"first": {"type": "return_requested"}},
    ...     {"second": {"type": "return_requested"}},
    ... ]}})
    Traceback (most recent call last):
    ...
    grievance_rules.errors.RuleDefinitionError: rule 'twice': 'all' of 2 patterns (a rule ...
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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from grievance_rules.errors import EngineError, FactValidationError, RuleDefinitionError
from grievance_rules.i18n import N_, join_list, ngettext
from grievance_rules.i18n import gettext as _

__all__ = [
    "DURABLE_RULES_VERSION",
    "MAX_FACT_PROPERTIES",
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
_ID = "id"
_INDEX = "__gr_i"
_RESERVED = "__gr_"
_OPEN_RULE = "__gr_open__"
_OPEN_ID = "__gr_open__"
_USER_FACT: dict[str, Any] = {"$ex": {_INDEX: 1}}
_SINGLE = N_("the adapter takes one pattern over one fact, all the pack compiler emits")
_REFUSED_OPTIONS = {
    "any": N_("'any' (a rule over alternative patterns)"),
    "count": N_("'count' (a rule over groups of facts)"),
    "cap": N_("'cap' (a rule over groups of facts)"),
    "pri": N_("'pri' (an order among activations)"),
    "dist": N_("'dist' (distributed sessions)"),
}
_COMPARISONS = frozenset({"$neq", "$lt", "$lte", "$gt", "$gte"})
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
class CompiledRuleset:
    """A ruleset registered with durable-rules; get one from :meth:`DurableAdapter.compile`.

    Every rule tests one fact (the adapter refuses any other), so what a fact matches
    depends on that fact alone and facts may share a session.

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
    """

    name: str
    namespace: str
    digest: str
    rule_names: tuple[str, ...]
    definition: str = field(repr=False)
    handle: int = field(repr=False)
    _rule_index: Mapping[str, int] = field(repr=False, compare=False)
    properties: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


class DurableAdapter:
    """Compiles single-fact durable-rules rulesets and matches facts; see the module docstring.

    Instances share one process-wide registry and lock; use :func:`get_adapter`.
    """

    def __init__(self) -> None:
        self._engine = _load_engine()

    def compile(self, namespace: str, rules: Mapping[str, Any]) -> CompiledRuleset:
        """Register a ruleset definition with durable-rules, once.

        Args:
            namespace: who the rules belong to, e.g. ``"chengdong@2024"``; no whitespace
                or ``$``, at most 200 characters.
            rules: durable-rules' JSON ruleset definition, without actions: rule name →
                ``{"all": [{name: expression}]}``, one pattern over one fact, built from
                ``$and``, ``$or``, ``$ex``, ``$nex``, ``$neq``, ``$gt``, ``$gte``,
                ``$lt``, ``$lte`` and ``{property: value}`` with JSON scalars.

        Returns:
            The compiled ruleset. The same namespace and definition (rule order counts,
            key order inside a rule does not) give the same object.

        Raises:
            RuleDefinitionError: the definition is malformed, uses a form the adapter
                refuses (the message names the rule and the form), or durable-rules
                rejects it.
        """
        if not isinstance(namespace, str) or not _NAMESPACE.fullmatch(namespace):
            raise RuleDefinitionError(
                _("namespace {namespace}: 1 to 200 characters, no whitespace or '$'").format(
                    namespace=repr(namespace)
                )
            )
        checked = _check_definition(rules)
        canonical = json.dumps(checked, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:16]
        with _LOCK:
            cached = _REGISTRY.get((namespace, digest))
            if cached is not None:
                return cached
            registered: dict[str, Any] = {_OPEN_RULE: {"all": [{"m": {"$s": 1}}]}}
            properties: set[str] = set()
            for rule_name, (alias, body) in checked:
                terms = body.get("$and", [body])
                registered[rule_name] = {"all": [{alias: {"$and": [_USER_FACT, *terms]}}]}
                _expression_properties(body, properties)
            text = json.dumps(registered, ensure_ascii=False)
            name = f"gr_{namespace}_{digest}"
            try:
                handle = int(self._engine.create_ruleset(name, text))
            except Exception as error:
                raise RuleDefinitionError(
                    _("durable-rules refused ruleset {name}: {error}").format(
                        name=repr(name), error=error
                    )
                ) from error
            names = tuple(rule_name for rule_name, _pattern in checked)
            compiled = CompiledRuleset(
                name=name,
                namespace=namespace,
                digest=digest,
                rule_names=names,
                definition=text,
                handle=handle,
                _rule_index=MappingProxyType({n: k for k, n in enumerate(names)}),
                properties=frozenset(properties),
            )
            _REGISTRY[(namespace, digest)] = compiled
            return compiled

    def match_facts(
        self, ruleset: CompiledRuleset, facts: Sequence[Mapping[str, Any]]
    ) -> list[tuple[str, ...]]:
        """Match each fact on its own, all of them in one new session; delete the session.

        Every rule tests one fact, so what a fact matches does not depend on the other
        facts of the session: many facts (many orders' facts) share one session, one
        assertion and one action loop. The adapter numbers the facts itself (durable's
        ``id``).

        Args:
            ruleset: a ruleset from :meth:`compile`.
            facts: plain-JSON objects (str/int/float/bool/None/list/dict with str keys);
                no ``id``, ``sid``, ``$…``, ``__gr_…`` or dotted keys; integers of 64
                bits; at most :data:`MAX_FACT_PROPERTIES` keys, nested keys included.

        Returns:
            For each fact, in the order given, the names of the rules it matched, each
            once, in the order of the definition.

        Raises:
            FactValidationError: a fact is not plain JSON or breaks one of durable's
                rules; the message names the fact's index and key.
            EngineError: durable-rules failed; the cause is chained.
        """
        session = f"{_RESERVED}{next(_SESSIONS)}"
        text = _encode_facts(facts, session)
        if not facts:  # durable itself reads an uninitialised offset for an empty batch
            return []
        matched: list[set[int]] = [set() for _fact in facts]
        with _LOCK:
            self._open(ruleset, session)
            try:
                self._assert_and_collect(ruleset, text, matched)
            except BaseException as error:
                self._close(ruleset, session, error)
                raise
            self._close(ruleset, session, None)
        names = ruleset.rule_names
        return [tuple(names[k] for k in sorted(found)) for found in matched]

    def _assert_and_collect(
        self, ruleset: CompiledRuleset, text: str, matched: list[set[int]]
    ) -> None:
        """Assert the facts, then start, note and complete every action, in turn."""
        engine = self._engine
        handle = ruleset.handle
        try:
            code, offset = engine.assert_facts(handle, text)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, _("asserting facts"), error)) from error
        if code not in (0, 1):  # 1: some fact matched no pattern, which is fine
            raise EngineError(
                _("ruleset {name}: durable-rules returned code {code} for the facts").format(
                    name=ruleset.name, code=code
                )
            )
        try:
            fired = engine.start_action_for_state(handle, offset)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, _("starting an action"), error)) from error
        message = None if fired is None else fired[1]
        while message is not None:
            self._note(ruleset, message, matched)
            try:
                message = engine.complete_and_start_action(handle, offset)
            except Exception as error:
                raise EngineError(
                    _engine_message(ruleset, _("completing an action"), error)
                ) from error

    @staticmethod
    def _note(ruleset: CompiledRuleset, message: str, matched: list[set[int]]) -> None:
        """Record the fact one durable action message says a rule matched."""
        try:
            ((rule, frame),) = json.loads(message).items()
            if rule == _OPEN_RULE:
                return
            ((_alias, fact),) = frame.items()
            matched[fact[_INDEX]].add(ruleset._rule_index[rule])
        except (KeyError, TypeError, IndexError, ValueError, AttributeError) as error:
            raise EngineError(
                f"ruleset {ruleset.name}: an activation the adapter cannot read (a fact it"
                f" did not assert?): {message[:200]!r}"
            ) from error

    def _open(self, ruleset: CompiledRuleset, session: str) -> None:
        """Create the session and run its one internal action (see the module docstring)."""
        engine = self._engine
        opener = f'{{"{_SID}": "{session}", "id": "{_OPEN_ID}"}}'  # session ids are plain ASCII
        try:
            _code, offset = engine.assert_fact(ruleset.handle, opener)
            fired = engine.start_action_for_state(ruleset.handle, offset)
            opened = False
            while fired is not None:
                opened = opened or _OPEN_RULE in json.loads(fired[1])
                following = engine.complete_and_start_action(ruleset.handle, offset)
                fired = None if following is None else (None, following)
        except Exception as error:
            raise EngineError(_engine_message(ruleset, _("opening a session"), error)) from error
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
                    _engine_message(
                        ruleset, _("deleting session {session}").format(session=session), error
                    )
                ) from error
            pending.add_note(
                _("deleting durable session {session} also failed: {error}").format(
                    session=session, error=repr(error)
                )
            )

    def _session_exists(self, ruleset: CompiledRuleset, session: str) -> bool:
        """Whether durable still holds ``session`` (for tests)."""
        with _LOCK:
            try:
                self._engine.get_state(ruleset.handle, session)
            except Exception as error:
                if "error code: 309" in str(error):  # ERR_SID_NOT_FOUND
                    return False
                raise EngineError(
                    _engine_message(ruleset, _("reading a session"), error)
                ) from error
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
                _(
                    "durable-rules {version} cannot be imported on Python {python}: {error}; "
                    "it installs with pip install 'grievance-rules[durable]' on Python "
                    "3.11-3.12 (the native engine, the default, needs nothing more)"
                ).format(
                    version=DURABLE_RULES_VERSION,
                    python=f"{sys.version_info.major}.{sys.version_info.minor}",
                    error=error,
                )
            ) from error
        installed = importlib.metadata.version("durable-rules")
        if installed != DURABLE_RULES_VERSION:
            raise EngineError(
                _(
                    "durable-rules {installed} is installed; the adapter is written against "
                    "{version} and its defects"
                ).format(installed=installed, version=DURABLE_RULES_VERSION)
            )
        _ENGINE = durable_engine.durable_rules_engine
    return _ENGINE


def _engine_message(ruleset: CompiledRuleset, doing: str, error: Exception) -> str:
    text = _("ruleset {name}: durable-rules failed {doing}: {error}").format(
        name=ruleset.name, doing=doing, error=repr(error)
    )
    if isinstance(error, MemoryError):
        text += _(" (durable-rules reports its 1,024-session limit as MemoryError)")
    return text


# --- facts --------------------------------------------------------------------------


def _encode_facts(facts: Sequence[Mapping[str, Any]], session: str) -> str:
    """Check the facts and return the JSON array durable is given, each fact numbered."""
    if isinstance(facts, str | bytes) or not isinstance(facts, Sequence):
        raise FactValidationError(
            _("facts must be a sequence of objects, not {kind}").format(kind=type(facts).__name__)
        )
    payload: list[dict[str, Any]] = []
    for index, fact in enumerate(facts):
        if not isinstance(fact, Mapping):
            raise FactValidationError(
                _("fact {index}: {kind} is not an object").format(
                    index=index, kind=type(fact).__name__
                )
            )
        count = len(fact)
        for key, value in fact.items():
            if key.__class__ is not str:
                raise FactValidationError(
                    _("fact {index}: key {key} is not a str").format(index=index, key=repr(key))
                )
            if key == _ID:
                raise FactValidationError(
                    _(
                        "fact {index}, key 'id': match_facts numbers the facts itself "
                        "(durable-rules identifies facts by id)"
                    ).format(index=index)
                )
            if key == _SID or key.startswith(_RESERVED):
                raise FactValidationError(
                    _(
                        "fact {index}, key {key}: reserved ({sid} is durable's session id, "
                        "{reserved}… the adapter's)"
                    ).format(index=index, key=repr(key), sid=repr(_SID), reserved=repr(_RESERVED))
                )
            _check_key(key, index, key)
            if value.__class__ not in _PLAIN_SCALARS:  # the common case stays cheap
                count += _check_value(value, index, key)
        if count > MAX_FACT_PROPERTIES:
            raise FactValidationError(
                _(
                    "fact {index}: {count} keys (nested keys included); durable-rules "
                    "{version} holds at most {limit}"
                ).format(
                    index=index,
                    count=count,
                    version=DURABLE_RULES_VERSION,
                    limit=MAX_FACT_PROPERTIES,
                )
            )
        payload.append({**fact, _ID: index, _SID: session, _INDEX: index})
    return json.dumps(payload, ensure_ascii=False, allow_nan=False)


def check_fact_integer(value: int, index: int, path: str) -> None:
    """Refuse an integer durable-rules cannot hold, as :meth:`DurableAdapter.match_facts` would.

    Raises:
        FactValidationError: ``value`` does not fit 64 bits; names fact ``index``, key ``path``.
    """
    if value not in _INT64:
        raise FactValidationError(
            _("fact {index}, key {key}: {value} is wider than the engine's 64-bit integers").format(
                index=index, key=repr(path), value=value
            )
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
            raise FactValidationError(
                _("fact {index}, key {key}: {value} is not finite JSON").format(
                    index=index, key=repr(path), value=value
                )
            )
        return 0
    if isinstance(value, list):
        return sum(_check_value(item, index, f"{path}[{k}]") for k, item in enumerate(value))
    if isinstance(value, dict):
        count = 0
        for key, item in value.items():
            if not isinstance(key, str):
                raise FactValidationError(
                    _("fact {index}, key {path}: key {key} is not a str").format(
                        index=index, path=repr(path), key=repr(key)
                    )
                )
            _check_key(key, index, f"{path}.{key}")
            count += 1 + _check_value(item, index, f"{path}.{key}")
        return count
    raise FactValidationError(
        _("fact {index}, key {key}: {kind} is not plain JSON ({types})").format(
            index=index, key=repr(path), kind=type(value).__name__, types=_JSON_TYPES
        )
    )


def _check_key(key: str, index: int, path: str) -> None:
    if key[:1] == "$" or "." in key:
        raise FactValidationError(
            _(
                "fact {index}, key {key}: durable-rules reserves '$' keys and addresses nested "
                "keys as 'a.b'; use another name"
            ).format(index=index, key=repr(path))
        )


# --- definitions --------------------------------------------------------------------


def _check_definition(rules: Mapping[str, Any]) -> list[tuple[str, tuple[str, dict[str, Any]]]]:
    """Check a definition; return each rule's name, pattern name and expression, in order."""
    if not isinstance(rules, Mapping):
        raise RuleDefinitionError(
            _("a definition maps rule names to rules, not {kind}").format(kind=type(rules))
        )
    checked: list[tuple[str, tuple[str, dict[str, Any]]]] = []
    for rule_name, rule in rules.items():
        if not isinstance(rule_name, str) or not rule_name or rule_name.startswith(_RESERVED):
            raise RuleDefinitionError(
                _("rule name {name}: a non-empty str not starting with {reserved}").format(
                    name=repr(rule_name), reserved=repr(_RESERVED)
                )
            )
        where = _("rule {name}").format(name=repr(rule_name))
        try:
            plain = json.loads(json.dumps(rule, allow_nan=False))
        except (TypeError, ValueError) as error:
            raise RuleDefinitionError(
                _("{where}: not plain JSON: {error}").format(where=where, error=error)
            ) from error
        if not isinstance(plain, dict):
            raise RuleDefinitionError(
                _("{where}: a rule is an object, not {kind}").format(
                    where=where, kind=type(rule).__name__
                )
            )
        if "run" in plain:
            raise RuleDefinitionError(
                _("{where}: 'run': the adapter adds the actions itself").format(where=where)
            )
        for option, what in _REFUSED_OPTIONS.items():
            if option in plain:
                raise RuleDefinitionError(
                    _("{where}: {what} is refused; {reason}").format(
                        where=where, what=_(what), reason=_(_SINGLE)
                    )
                )
        unknown = sorted(set(plain) - {"all"})
        if unknown:
            raise RuleDefinitionError(
                _("{where}: unknown keys {keys}").format(
                    where=where, keys=join_list(map(repr, unknown))
                )
            )
        if "all" not in plain:
            raise RuleDefinitionError(
                _("{where}: no 'all'; {reason}").format(where=where, reason=_(_SINGLE))
            )
        patterns = plain["all"]
        if not isinstance(patterns, list) or not patterns:
            raise RuleDefinitionError(
                _("{where}: 'all' takes a list of one pattern").format(where=where)
            )
        if len(patterns) > 1:
            raise RuleDefinitionError(
                ngettext(
                    "{where}: 'all' of {count} pattern (a rule over several facts); {reason}",
                    "{where}: 'all' of {count} patterns (a rule over several facts); {reason}",
                    len(patterns),
                ).format(where=where, count=len(patterns), reason=_(_SINGLE))
            )
        (pattern,) = patterns
        if not isinstance(pattern, dict) or len(pattern) != 1:
            raise RuleDefinitionError(
                _("{where}: a pattern is an object with one name").format(where=where)
            )
        ((alias, body),) = pattern.items()
        if "$" in alias:
            group = alias.partition("$")[2]
            if group in ("not", "all", "any"):
                raise RuleDefinitionError(
                    _("{where}: pattern {alias}: a {group} group is refused; {reason}").format(
                        where=where, alias=repr(alias), group=repr("$" + group), reason=_(_SINGLE)
                    )
                )
        if not alias or "$" in alias or "." in alias:
            raise RuleDefinitionError(
                _("{where}: bad pattern name {alias}").format(where=where, alias=repr(alias))
            )
        _check_expression(body, where)
        checked.append((rule_name, (alias, body)))
    return checked


def _check_expression(expression: Any, where: str) -> None:
    """Check an expression of the forms the adapter takes."""
    if not isinstance(expression, dict) or len(expression) != 1:
        raise RuleDefinitionError(
            _(
                "{where}: an expression is an object with exactly one key (durable tests only "
                "the first key of {expression}; use $and)"
            ).format(where=where, expression=json.dumps(expression, ensure_ascii=False))
        )
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        if not isinstance(value, list) or not value:
            raise RuleDefinitionError(
                _("{where}: {key} takes a non-empty list").format(where=where, key=key)
            )
        for item in value:
            _check_expression(item, where)
    elif key in ("$ex", "$nex"):
        _single(value, key, where)
    elif key in _COMPARISONS:
        _prop, operand = _single(value, key, where)
        _check_operand(operand, where)
    elif key.startswith("$"):
        raise RuleDefinitionError(
            _("{where}: unknown or unsupported operator {key}").format(where=where, key=repr(key))
        )
    else:
        _check_property(key, where)
        _check_operand(value, where)


def _single(value: Any, key: str, where: str) -> tuple[str, Any]:
    if not isinstance(value, dict) or len(value) != 1:
        raise RuleDefinitionError(
            _("{where}: {key} takes an object with one property").format(where=where, key=key)
        )
    ((prop, operand),) = value.items()
    _check_property(prop, where)
    return prop, operand


def _check_property(prop: str, where: str) -> None:
    top = prop.split(".")[0]
    if not top or prop.startswith("$"):
        raise RuleDefinitionError(
            _("{where}: bad property {prop}").format(where=where, prop=repr(prop))
        )
    if top in (_ID, _SID) or top.startswith(_RESERVED):
        raise RuleDefinitionError(
            _(
                "{where}: reads {prop}, which the adapter or durable-rules sets on every fact"
            ).format(where=where, prop=repr(prop))
        )


def _check_operand(operand: Any, where: str) -> None:
    """Check a comparison's right side: a JSON scalar."""
    if operand is None or isinstance(operand, str | int | float | bool):
        return
    shown = json.dumps(operand, ensure_ascii=False)
    if isinstance(operand, dict) and len(operand) == 1:
        ((key, _operand),) = operand.items()
        if key in _ARITHMETIC:
            raise RuleDefinitionError(
                _("{where}: arithmetic right side {shown} is refused; {reason}").format(
                    where=where, shown=shown, reason=_(_SINGLE)
                )
            )
        if not key.startswith("$"):
            raise RuleDefinitionError(
                _(
                    "{where}: {shown} refers to pattern {key} (a join over several facts); {reason}"
                ).format(where=where, shown=shown, key=repr(key), reason=_(_SINGLE))
            )
    raise RuleDefinitionError(
        _("{where}: a right side is a JSON scalar, not {shown}").format(where=where, shown=shown)
    )


def _expression_properties(expression: dict[str, Any], found: set[str]) -> None:
    """Add the top-level fact properties a checked expression reads to ``found``."""
    ((key, value),) = expression.items()
    if key in ("$and", "$or"):
        for item in value:
            _expression_properties(item, found)
        return
    if key.startswith("$"):  # $ex, $nex, a comparison: {property: operand}
        ((key, _operand),) = value.items()
    found.add(key.split(".")[0])
