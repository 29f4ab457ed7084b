"""Reading a pack's YAML with line numbers, for errors that say where.

Files are parsed with libyaml's safe loader (no tags, no objects); the node tree
is kept only to find the line of a field when an error needs it.
"""

from __future__ import annotations

import functools
import types
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin, get_type_hints

import yaml
from pydantic import BaseModel, ValidationError

from grievance_rules.errors import PackError
from grievance_rules.i18n import current_language, join_list
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.files import (
    SAFE_LOADER,
    load_yaml,
    read_pack_file,
)
from grievance_rules.packs.schema import Condition, ParamRef, Rule, Trigger
from grievance_rules.validation_messages import PYDANTIC_MESSAGES, pydantic_message

__all__ = ["MANIFEST", "YamlRef", "line_of", "read_yaml", "unknown_key", "validate_as"]

MANIFEST = "pack.yaml"
"""The manifest's file name in a pack directory."""

# -- reading YAML with line numbers ------------------------------------------------------


_SAFE_LOADER: Any = SAFE_LOADER
"""libyaml's safe loader where PyYAML was built with it (about 10x faster), else PyYAML's."""


class YamlRef:
    """A place in a YAML file, for the line numbers of errors.

    The file is composed into nodes only when an error needs a line, so that
    loading a good pack parses each file once.
    """

    def __init__(self, text: str, prefix: Sequence[Any] = (), holder: list[Any] | None = None):
        self.text = text
        self.prefix = tuple(prefix)
        self._holder = holder if holder is not None else []

    def child(self, *steps: Any) -> YamlRef:
        """The place ``steps`` further down (keys and indices)."""
        return YamlRef(self.text, (*self.prefix, *steps), self._holder)

    @property
    def root(self) -> yaml.Node | None:
        """The file's node tree, composed on first use (only when an error needs a line)."""
        if not self._holder:
            self._holder.append(yaml.compose(self.text, Loader=_SAFE_LOADER))
        node: yaml.Node | None = self._holder[0]
        return node


def read_yaml(
    path: Path, root: Path, read: dict[str, bytes], field: str | None = None
) -> tuple[Any, YamlRef]:
    """Read a pack file (confined, bounded: :mod:`~grievance_rules.packs.files`) and parse it.

    The bytes are kept in ``read`` by relative path, for the pack's content hash.
    """
    name = path.relative_to(root).as_posix()
    raw = read_pack_file(root, path, field=field)
    read[name] = raw
    data, node = load_yaml(raw, name)  # a safe loader: plain data only
    return data, YamlRef(raw.decode("utf-8"), holder=[node])


def line_of(ref: YamlRef | None, path: Sequence[Any]) -> int | None:
    """The line of the deepest node along ``path`` (keys and list indices)."""
    if ref is None:
        return None
    node = ref.root
    if node is None:
        return None
    path = [*ref.prefix, *path]
    line = node.start_mark.line + 1
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if key.value == str(step) or (step == "not_" and key.value == "not"):
                    child = value
                    break
        elif (
            isinstance(node, yaml.SequenceNode)
            and isinstance(step, int)
            and 0 <= step < len(node.value)
        ):
            child = node.value[step]
        if child is None:
            break
        node = child
        line = node.start_mark.line + 1
    return line


_RULE_KIND_ORDER = tuple(
    get_args(rule.model_fields["kind"].annotation)[0] for rule in get_args(get_args(Rule)[0])
)
"""The rule kinds (each rule class's ``kind``), in the order the schema's union lists them."""
_RULE_KINDS = set(_RULE_KIND_ORDER)
_MEMBER_NAMES = {
    *(member.__name__ for member in get_args(Condition)),  # Trigger, AllOf ... ParamIs
    "EventRef",
    "ParamRef",
    "str",
    "float",
    "int",
    "bool",
    "literal['received']",
}
_TRIGGER_KEYS = ("event", "clock", "window", "escalation", "deduction")
"""The keys one of which makes a mapping a trigger (:class:`~.schema.Trigger`)."""


def _internal_step(step: Any) -> bool:
    """Steps pydantic adds to an error path for unions and validators, not fields."""
    return isinstance(step, str) and (
        "[" in step or "(" in step or step in _MEMBER_NAMES or step.startswith("constrained-")
    )


# -- which of a union's members an error is about -------------------------------------------
#
# A value that fits no member of a union (a condition: a trigger, all, any, not, count ...)
# gets an error for every member, in the union's order; the first is about the trigger
# whatever the mapping says it is. The error reported is one about the member the value
# names by its key (``any`` → AnyOf), found by walking the model's types along the error's
# path beside the data.

_SCALAR = object()
"""A union member that is not a model (a number, a text, a literal)."""


def _unwrapped(kind: Any) -> Any:
    """``kind`` without ``Annotated[...]``."""
    while get_origin(kind) is Annotated:
        kind = get_args(kind)[0]
    return kind


def _union_members(kind: Any) -> tuple[Any, ...] | None:
    """The members of a union (``None`` left out), or ``None`` when ``kind`` is no union."""
    if get_origin(kind) not in (Union, types.UnionType):
        return None
    return tuple(_unwrapped(arg) for arg in get_args(kind) if arg is not type(None))


def _is_model(kind: Any) -> bool:
    return isinstance(kind, type) and issubclass(kind, BaseModel)


def _keys(model: type[BaseModel]) -> list[str]:
    """The keys a mapping of ``model`` may have, as a pack writes them."""
    return [field.alias or name for name, field in model.model_fields.items()]


def _key(model: type[BaseModel]) -> str | None:
    """The key that says a mapping is a ``model`` (its first required field), if any."""
    for name, field in model.model_fields.items():
        if field.is_required():
            return field.alias or name
    return None


def _intended(members: tuple[Any, ...], value: Any) -> Any:
    """The member a value means: the model its first naming key names; else the keyless one.

    ``_SCALAR`` for a value that is no mapping where the union has members that are not
    models; ``None`` where no member can be meant (a text where only mappings fit).
    """
    models = [member for member in members if _is_model(member)]
    if not isinstance(value, dict):
        return _SCALAR if len(models) < len(members) else None
    named = {_key(model): model for model in models}
    for key in value:
        if key in named:
            return named[key]
    keyless = [model for model in models if _key(model) is None]
    return (keyless or models or [None])[0]


def _member_of_step(members: tuple[Any, ...], step: Any) -> Any:
    """The member an error-path step names (``function-after[..., Trigger]``), if it names one."""
    if not isinstance(step, str):
        return None
    for member in members:
        if _is_model(member) and (step == member.__name__ or step.endswith(f" {member.__name__}]")):
            return member
    if _internal_step(step):
        return _SCALAR
    return None


@functools.cache
def _field_types(model: type[BaseModel]) -> dict[str, Any]:
    """A model's field types by the key a pack writes (its alias), forward references resolved.

    A condition's own fields name :data:`~.schema.Condition` before it is defined: pydantic
    keeps them as forward references in ``model_fields``.
    """
    hints = get_type_hints(model, include_extras=True)
    return {field.alias or name: hints[name] for name, field in model.model_fields.items()}


class _Place:
    """Where an error's path leads through the schema and the data."""

    def __init__(self) -> None:
        self.meant = True
        """Whether every union on the way was entered by the member the data names."""
        self.owner: type[BaseModel] | None = None
        """The model the path's last field belongs to."""
        self.owner_union: tuple[Any, ...] = ()
        """The union the owner was picked from, if it was."""
        self.leaf_union: tuple[Any, ...] = ()
        """The union the path ends in (a member step last), if it does."""
        self.value: Any = None
        """The data at the end of the path."""


def _walk(model: type[BaseModel], data: Any, loc: tuple[Any, ...]) -> _Place:
    """Follow ``loc`` through ``model``'s field types and through ``data`` side by side."""
    place = _Place()
    kind: Any = model
    value = data
    picked_from: tuple[Any, ...] = ()
    for step in loc:
        kind = _unwrapped(kind)
        members = _union_members(kind)
        place.leaf_union = ()
        if members is not None:
            by_tag = {
                tag: member
                for member in members
                if _is_model(member) and "kind" in member.model_fields
                for tag in get_args(member.model_fields["kind"].annotation)
            }
            if step in by_tag:  # a discriminated union's tag (a rule's kind)
                kind, picked_from = by_tag[step], members
                continue
            member = _member_of_step(members, step)
            if member is not None:
                intended = _intended(members, value)  # None: no member fits, each is said
                place.meant = place.meant and intended in (None, member)
                kind = None if member is _SCALAR else member
                picked_from = members
                place.leaf_union = members
                continue
            kind = members[0] if len(members) == 1 else None  # X | None: no member step
        if _is_model(kind):
            place.owner, place.owner_union = kind, picked_from
            kind = _field_types(kind).get(step) if isinstance(step, str) else None
        elif get_origin(kind) in (tuple, list) and isinstance(step, int):
            kind = get_args(kind)[0]
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        else:
            kind = None
        picked_from = ()
        if isinstance(value, dict):
            value = value.get(step)
        elif isinstance(value, list) and isinstance(step, int) and 0 <= step < len(value):
            value = value[step]
        else:
            value = None
    place.value = value
    return place


def _naming_keys(members: tuple[Any, ...]) -> list[str]:
    """The keys that say which member of a union a mapping is (a trigger's, all, any ...)."""
    keys: list[str] = []
    for member in members:
        if member is Trigger:
            keys.extend(_TRIGGER_KEYS)
        elif _is_model(member) and (key := _key(member)) is not None:
            keys.append(key)
    return keys


def _said(error: Any, place: _Place | None = None) -> str:
    """A pack's validation error in the chosen language (in English, pydantic's own words).

    A check of the pack schema's own (a ``ValueError`` in a validator) is said as it
    was raised, in the language it was raised in, without pydantic's "Value error, ".
    An unknown key is named with the keys allowed where it is; a value where a mapping of a
    union is wanted (a condition) is said with the keys that name its members; a wrong
    value where a parameter may stand too says so.
    """
    kind = error["type"]
    if kind == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if place is not None:
        said = _said_at(error, place)
        if said is not None:
            return said
    if kind in ("tuple_type", "list_type"):
        return _("should be a list")
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return _("should be an object (key: value)")
    if current_language() != "zh":
        return str(error["msg"])
    if kind == "missing":
        return _("field required")
    if kind == "extra_forbidden":
        return _("unknown field")
    ctx = error.get("ctx", {})
    if kind in ("union_tag_invalid", "union_tag_not_found"):  # a rule's (or a union's) kind
        key = str(ctx.get("discriminator", "")).strip("'")
        expected = str(ctx.get("expected_tags", "")).split(",")  # "'clock', 'window'"
        tags = join_list(tag.strip().strip("'") for tag in expected if tag.strip())
        if key == "kind" and kind == "union_tag_invalid":
            return _("unknown rule kind {kind}; one of: {kinds}").format(
                kind=repr(ctx.get("tag")), kinds=tags
            )
        if key == "kind":
            return _("no rule kind ({key}); one of: {kinds}").format(
                key=key, kinds=join_list(_RULE_KIND_ORDER)
            )
        if kind == "union_tag_invalid":
            return _("unknown {key} {value}; one of: {tags}").format(
                key=key, value=repr(ctx.get("tag")), tags=tags
            )
        return _("{key} is required").format(key=key)
    return pydantic_message(error)


def unknown_key(key: object, allowed: Sequence[str]) -> str:
    """What a refusal says of an unknown key: the key, and the keys allowed where it is.

    The one wording of an unknown key, wherever in a pack it is (a rule, a condition
    nested in ``all``/``any``/``not``, the top of the parameters file).

    Example:
        >>> from grievance_rules.i18n import language
        >>> with language("en"):
        ...     unknown_key("wehn", ["id", "kind", "when"])
        "unknown field 'wehn'; allowed here: id, kind, when"
        >>> with language("zh"):
        ...     unknown_key("wehn", ["id", "kind", "when"])
        "未知字段 'wehn'；此处可用的字段：id、kind、when"
    """
    return _("unknown field {key}; allowed here: {keys}").format(
        key=repr(key), keys=join_list(allowed)
    )


def _said_at(error: Any, place: _Place) -> str | None:
    """What :func:`_said` says of an error knowing where it is in the schema, if anything."""
    kind = error["type"]
    if kind == "extra_forbidden" and place.owner is not None:
        allowed = _keys(place.owner)
        if place.owner_union and _key(place.owner) is None:  # the member a mapping is by default
            others = [m for m in place.owner_union if m is not place.owner]
            allowed += [key for key in _naming_keys(tuple(others)) if key not in allowed]
        return unknown_key(error["loc"][-1], allowed)
    members = place.leaf_union
    if (
        members
        and all(_is_model(member) for member in members)
        and not isinstance(place.value, dict)  # a text (or a list) where a mapping is wanted
    ):
        return _("should be a mapping with one of the keys: {keys}; got {value}").format(
            keys=join_list(_naming_keys(members)), value=repr(place.value)
        )
    if ParamRef in members and not isinstance(place.value, dict):
        return _("{message}, or a parameter ({{param: NAME}}); got {value}").format(
            message=_plain(error), value=repr(place.value)
        )
    return None


def _plain(error: Any) -> str:
    """Pydantic's common error in plain words, in the chosen language (English too)."""
    template = PYDANTIC_MESSAGES.get(error["type"])
    if template is None:
        return pydantic_message(error)
    try:
        return _(template).format(**error.get("ctx", {}))
    except (KeyError, IndexError, ValueError):
        return pydantic_message(error)


def validate_as(
    model: type[BaseModel], data: Any, name: str, node: YamlRef | None, shown: str | None = None
) -> Any:
    """``data`` validated as ``model``; a failure is a PackError naming file, line and field.

    ``shown``: how the message names the place (in the reader's language), if not ``name``.

    Of the errors, the first is said that is about what the data meant at each union on its
    way (the ``any`` of ``{any: [...]}``, not a trigger with an unknown key ``any``); a
    required key missing beside an unknown one is said as the unknown key (a typo).
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        places = [_walk(model, data, error["loc"]) for error in errors]
        meant = [i for i, place in enumerate(places) if place.meant] or [0]
        first = meant[0]
        if errors[first]["type"] == "missing":  # a key mistyped: the unknown key says more
            parent = errors[first]["loc"][:-1]
            typos = [
                i
                for i in meant
                if errors[i]["type"] == "extra_forbidden" and errors[i]["loc"][:-1] == parent
            ]
            first = (typos or [first])[0]
        error, place = errors[first], places[first]
        loc = [step for step in error["loc"] if not _internal_step(step)]
        if len(loc) > 2 and loc[0] == "rules" and loc[2] in _RULE_KINDS:
            del loc[2]  # the discriminator tag pydantic puts in the path
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule_id = rules[loc[1]].get("id")
        shown_loc = loc
        if isinstance(rule_id, str):
            # a rule named by its id: its field from the rule, as the semantic checks say
            # it (``when.any.1``, not ``rules.0.when.any.1``); an unknown kind is its ``kind``
            shown_loc = loc[2:] or (["kind"] if error["type"] == "union_tag_invalid" else [])
        field_path = ".".join(str(step) for step in shown_loc)
        rule = _("rule {id}: ").format(id=rule_id) if isinstance(rule_id, str) else ""
        if not field_path:  # a check of the whole object (a parameter's values in order)
            raise PackError(
                _("{file}: {rule}{message}").format(
                    file=shown or name, rule=rule, message=_said(error, place)
                ),
                file=name,
                line=line_of(node, loc),
                rule_id=rule_id,
                field=None,
            ) from None
        raise PackError(
            _("{file}: {rule}{field}: {message}").format(
                file=shown or name, rule=rule, field=field_path, message=_said(error, place)
            ),
            file=name,
            line=line_of(node, loc),
            rule_id=rule_id,
            field=field_path,
        ) from None


# -- cross-references ----------------------------------------------------------------------
