"""Reading a pack's YAML with line numbers, for errors that say where.

Files are parsed with libyaml's safe loader (no tags, no objects); the node tree
is kept only to find the line of a field when an error needs it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, ValidationError

from grievance_rules.errors import PackError
from grievance_rules.i18n import current_language
from grievance_rules.i18n import gettext as _
from grievance_rules.packs.files import (
    SAFE_LOADER,
    load_yaml,
    read_pack_file,
)
from grievance_rules.packs.schema import Rule
from grievance_rules.validation_messages import pydantic_message

__all__ = ["MANIFEST", "YamlRef", "line_of", "read_yaml", "validate_as"]

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
    "Trigger",
    "AllOf",
    "AnyOf",
    "NotOf",
    "CountOf",
    "RepeatOf",
    "EventRef",
    "ParamRef",
    "str",
    "float",
    "int",
    "bool",
    "literal['received']",
}


def _internal_step(step: Any) -> bool:
    """Steps pydantic adds to an error path for unions and validators, not fields."""
    return isinstance(step, str) and ("[" in step or "(" in step or step in _MEMBER_NAMES)


def _said(error: Any) -> str:
    """A pack's validation error in the chosen language (in English, pydantic's own words).

    A check of the pack schema's own (a ``ValueError`` in a validator) is said as it
    was raised, in the language it was raised in, without pydantic's "Value error, ".
    """
    kind = error["type"]
    if kind == "value_error" and "error" in error.get("ctx", {}):
        return str(error["ctx"]["error"])
    if current_language() != "zh":
        return str(error["msg"])
    if kind == "missing":
        return _("field required")
    if kind == "extra_forbidden":
        return _("unknown field")
    ctx = error.get("ctx", {})
    if kind in ("union_tag_invalid", "union_tag_not_found"):  # a rule's (or a union's) kind
        key = str(ctx.get("discriminator", "")).strip("'")
        tags = str(ctx.get("expected_tags", "")).replace("'", "")
        if key == "kind" and kind == "union_tag_invalid":
            return _("unknown rule kind {kind}; one of: {kinds}").format(
                kind=repr(ctx.get("tag")), kinds=tags
            )
        if key == "kind":
            return _("no rule kind ({key}); one of: {kinds}").format(
                key=key, kinds=", ".join(_RULE_KIND_ORDER)
            )
        if kind == "union_tag_invalid":
            return _("unknown {key} {value}; one of: {tags}").format(
                key=key, value=repr(ctx.get("tag")), tags=tags
            )
        return _("{key} is required").format(key=key)
    return pydantic_message(error)


def validate_as(model: type[BaseModel], data: Any, name: str, node: YamlRef | None) -> Any:
    """``data`` validated as ``model``; a failure is a PackError naming file, line and field."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        error = exc.errors()[0]
        loc = [step for step in error["loc"] if not _internal_step(step)]
        if len(loc) > 2 and loc[0] == "rules" and loc[2] in _RULE_KINDS:
            del loc[2]  # the discriminator tag pydantic puts in the path
        rule_id = None
        if len(loc) >= 2 and loc[0] == "rules" and isinstance(loc[1], int):
            rules = data.get("rules") if isinstance(data, dict) else None
            if isinstance(rules, list) and loc[1] < len(rules) and isinstance(rules[loc[1]], dict):
                rule_id = rules[loc[1]].get("id")
        field_path = ".".join(str(step) for step in loc)
        rule = _("rule {id}: ").format(id=rule_id) if isinstance(rule_id, str) else ""
        if not field_path:  # a check of the whole object (a parameter's values in order)
            raise PackError(
                _("{file}: {rule}{message}").format(file=name, rule=rule, message=_said(error)),
                file=name,
                line=line_of(node, loc),
                rule_id=rule_id,
                field=None,
            ) from None
        raise PackError(
            _("{file}: {rule}{field}: {message}").format(
                file=name, rule=rule, field=field_path, message=_said(error)
            ),
            file=name,
            line=line_of(node, loc),
            rule_id=rule_id,
            field=field_path,
        ) from None


# -- cross-references ----------------------------------------------------------------------
