"""Loading a policy pack from its directory: read, validate, cross-check.

Loading never executes code from the pack: YAML is read with a safe loader
(no tags, no objects), and the result is validated against
:mod:`grievance_rules.packs.schema`. A broken pack is refused with a
:class:`~grievance_rules.errors.PackError` naming the file, the line where it
can be found, the rule id and the field.

A pack reads only its own files, bounded in size and YAML expansion
(:mod:`grievance_rules.packs.files`): ``rule_files`` and ``parameters_file`` are
relative paths without ``..``, and a file that leads outside the pack directory
(through a symbolic link), is not a regular file, or is too large is refused.

The parts: the pack object (:mod:`grievance_rules.packs.pack`), YAML read with line
numbers (:mod:`grievance_rules.packs.yaml_lines`) and the semantic checks
(:mod:`grievance_rules.packs.checks`); this module puts them together.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from pathlib import Path

import yaml

from grievance_rules.errors import PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import join_list, language
from grievance_rules.packs.checks import (
    Checker,
    check_calendar,
    check_parameter_citations,
    late_parameter_flags,
    late_parameters,
    overlapping_deductions,
    overlapping_pairs,
    pack_flags,
    uncited_parameters,
    uncited_values,
)
from grievance_rules.packs.files import (
    UnreadYaml,
    check_no_outward_links,
    check_relative,
    unread_yaml,
)
from grievance_rules.packs.pack import ORIGINS, Pack
from grievance_rules.packs.schema import (
    Manifest,
    Parameter,
    Rule,
    RuleFile,
)
from grievance_rules.packs.yaml_lines import (
    MANIFEST,
    YamlRef,
    line_of,
    read_yaml,
    unknown_key,
    validate_as,
)

__all__ = ["ORIGINS", "Pack", "load_pack"]


def load_pack(directory: str | Path, *, strict: bool = False, origin: str = "path") -> Pack:
    """Load and validate a pack directory.

    Args:
        directory: the folder holding ``pack.yaml``.
        strict: refuse the pack when the loader flags anything (overlapping deductions).
        origin: recorded as :attr:`Pack.origin` (:func:`~grievance_rules.packs.find_pack`
            sets it; see :data:`ORIGINS`).

    Raises:
        PackError: the pack is broken; the message names file, line, rule id and field.

    Example:
        >>> from grievance_rules.packs import builtin_packs_dir
        >>> pack = load_pack(builtin_packs_dir() / "xiayang")
        >>> pack.id, pack.manifest.sources[0].number
        ('xiayang', '青夏街〔2022〕22号')
    """
    root = Path(directory).resolve()
    if not os.path.lexists(root / MANIFEST):
        raise PackError(
            _("{path} is not a policy pack: it has no {manifest}").format(
                path=root, manifest=MANIFEST
            ),
            file=str(root),
        )
    read: dict[str, bytes] = {}
    data, node = read_yaml(root / MANIFEST, root, read)
    manifest_data, manifest_node = data, node
    manifest: Manifest = validate_as(Manifest, data, MANIFEST, node)
    check_calendar(manifest, node)
    check_relative(manifest.parameters_file, file=MANIFEST, field="parameters_file")
    for i, pattern in enumerate(manifest.rule_files):
        check_relative(pattern, file=MANIFEST, field=f"rule_files.{i}")
    parameters: dict[str, Parameter] = {}
    parameter_places: dict[str, YamlRef] = {}
    parameters_path = root / manifest.parameters_file
    if os.path.lexists(parameters_path):
        data, node = read_yaml(parameters_path, root, read, "parameters_file")
        if _is_empty(node):
            raise _empty_parameters(manifest.parameters_file)
        if isinstance(data, dict):
            _check_parameters_keys(data, manifest.parameters_file, node)
        raw = (data or {}).get("parameters", {}) if isinstance(data, dict) else data
        if not isinstance(raw, dict):
            raise PackError(
                _("{file}: 'parameters' must be a mapping").format(file=manifest.parameters_file),
                file=manifest.parameters_file,
                line=line_of(node, []),
            )
        for name, value in raw.items():
            place = parameter_places[name] = node.child("parameters", name)
            parameters[name] = validate_as(
                Parameter,
                value,
                f"{manifest.parameters_file} (parameter {name})",
                place,
                _("{file} (parameter {name})").format(file=manifest.parameters_file, name=name),
            )
            check_parameter_citations(
                manifest, name, parameters[name], manifest.parameters_file, place
            )
    rules: list[Rule] = []
    where: dict[str, tuple[str, YamlRef | None, int]] = {}
    files: dict[str, str] = {}
    found: dict[Path, str] = {}
    unmatched: list[int] = []
    for i, pattern in enumerate(manifest.rule_files):
        check_no_outward_links(root, pattern, file=MANIFEST, field=f"rule_files.{i}")
        try:
            if any("**" in part and part != "**" for part in pattern.replace("\\", "/").split("/")):
                # refused on every Python (3.13's glob would read 'rules/**x' as 'rules/*x')
                raise ValueError("Invalid pattern: '**' can only be an entire path component")
            matches = list(root.glob(pattern))
        except (ValueError, NotImplementedError) as exc:
            field_path = f"rule_files.{i}"
            raise PackError(
                _("{file}: {field}: {pattern} is not a usable pattern: {problem}").format(
                    file=MANIFEST, field=field_path, pattern=repr(pattern), problem=exc
                ),
                file=MANIFEST,
                field=field_path,
            ) from None
        if not matches:
            unmatched.append(i)
        for match in matches:
            found.setdefault(match, f"rule_files.{i}")
    for i, pattern in enumerate(manifest.rule_files):
        field_path = f"rule_files.{i}"
        unread = unread_yaml(root, pattern, found)
        if i in unmatched:
            raise _matches_nothing(i, pattern, unread, manifest_data, manifest_node)
        if unread:
            raise PackError(
                _(
                    "{file}: rule files end in {suffix} ({field}: {pattern}), so this file "
                    "is not read and its rules would be lost without a word; rename it "
                    "{meant}, or move it out of {folder}"
                ).format(
                    file=unread[0].file,
                    suffix=unread[0].suffix,
                    field=field_path,
                    pattern=repr(pattern),
                    meant=unread[0].meant,
                    folder=unread[0].folder or _("the pack directory"),
                ),
                file=unread[0].file,
                field=field_path,
            )
    paths = sorted(found)
    for path in paths:
        name = path.relative_to(root).as_posix()
        data, node = read_yaml(path, root, read, found[path])
        if data is None:
            continue
        parsed: RuleFile = validate_as(RuleFile, data, name, node)
        for index, rule in enumerate(parsed.rules):
            if rule.id in where:
                other, other_node, other_index = where[rule.id]
                line = line_of(node, ["rules", index, "id"])
                raise PackError(
                    _(
                        "{file}: line {line}: rule id {id} is also defined in {other}, "
                        "line {other_line}"
                    ).format(
                        file=name,
                        line=line,
                        id=repr(rule.id),
                        other=other,
                        other_line=line_of(other_node, ["rules", other_index, "id"]),
                    ),
                    file=name,
                    line=line,
                    rule_id=rule.id,
                    field="id",
                )
            where[rule.id] = (name, node, index)
            files[rule.id] = name
            rules.append(rule)
    if not rules:
        read_names = [path.relative_to(root).as_posix() for path in paths]
        raise PackError(
            _(
                "{file}: rule_files: the pack has no rules (rule files read: {files}); "
                "a pack without rules assesses nothing"
            ).format(file=MANIFEST, files=join_list(read_names) or _("none")),
            file=MANIFEST,
            line=_manifest_line(manifest_data, manifest_node, ["rule_files"]),
            field="rule_files",
        )
    Checker(manifest, rules, parameters, where).run()
    with language("en"):  # the pack's record, the same whatever language loads it
        flags = pack_flags(rules, parameters, manifest)
    if strict and flags:
        pairs = overlapping_pairs(rules)
        if pairs:
            first, second = pairs[0]
            file, first_node, index = where[first]
            other_file, other_node, other_index = where[second]
            line = line_of(first_node, ["rules", index, "when"])
            raise PackError(
                _(
                    "{file}: line {line}: {problem} ({other} is at {other_file}, line {other_line})"
                ).format(
                    file=file,
                    line=line,
                    problem=overlapping_deductions(rules)[0],
                    other=second,
                    other_file=other_file,
                    other_line=line_of(other_node, ["rules", other_index, "when"]),
                ),
                file=file,
                line=line,
                rule_id=first,
                field="when",
            )
        uncited = uncited_values(parameters)
        if not uncited:  # a parameter read by undated rules before its first value
            late = [item for item in late_parameters(rules, parameters, manifest) if item.undated]
            raise PackError(
                late_parameter_flags(late, manifest.parameters_file)[0],
                file=manifest.parameters_file,
                line=line_of(parameter_places.get(late[0].name), ["values", 0, "from"]),
                rule_id=late[0].undated[0],
                field=f"{late[0].name}.values.0.from",
            )
        name, index = uncited[0]
        line = line_of(parameter_places.get(name), ["values", index])
        raise PackError(
            _("{file}: line {line}: {problem}").format(
                file=manifest.parameters_file, line=line, problem=uncited_parameters(parameters)[0]
            ),
            file=manifest.parameters_file,
            line=line,
            field=f"{name}.values.{index}.citation",
        )
    digest = _content_hash(read)
    return Pack(manifest, tuple(rules), parameters, root, files, tuple(flags), {}, digest, origin)


_PARAMETERS_KEYS = ("parameters",)
"""The keys a parameters file may have at its top."""


def _check_parameters_keys(data: dict[object, object], file: str, node: YamlRef) -> None:
    """Refuse a key at the top of the parameters file other than ``parameters``.

    Raises:
        PackError: names the file, the key (its line) and the keys allowed.
    """
    for key in data:
        if key in _PARAMETERS_KEYS:
            continue
        line = None
        if isinstance(node.root, yaml.MappingNode):
            line = next(
                (k.start_mark.line + 1 for k, _v in node.root.value if k.value == str(key)), None
            )
        message = unknown_key(key, _PARAMETERS_KEYS)
        raise PackError(
            _("{file}: {field}: {message}").format(file=file, field=key, message=message),
            file=file,
            line=line,
            field=str(key),
        )


def _is_empty(node: YamlRef) -> bool:
    """Whether a file holds nothing: no bytes, or only blank lines, comments and ``---``."""
    root = node.root
    return root is None or (
        isinstance(root, yaml.ScalarNode) and root.value == "" and not root.style
    )


def _empty_parameters(file: str) -> PackError:
    """The refusal of a parameters file with nothing in it (no bytes, or only comments)."""
    return PackError(
        _(
            "{file} is empty (nothing but blank lines or comments): write the pack's "
            "parameters under 'parameters:', or delete the file if the pack has none"
        ).format(file=file),
        file=file,
    )


def _matches_nothing(
    index: int, pattern: str, unread: list[UnreadYaml], data: object, node: YamlRef
) -> PackError:
    """The refusal of a ``rule_files`` pattern that matches no file (with a file it skips)."""
    field = f"rule_files.{index}"
    shown = repr(pattern)
    if not isinstance(data, dict) or "rule_files" not in data:
        shown = _("{pattern} (the default)").format(pattern=shown)
    if unread:
        message = _(
            "{file}: {field}: {pattern} matches no file, yet {other} lies where it looks; "
            "rename that file {meant}, or change the pattern, else its rules would be "
            "missing without a word"
        ).format(
            file=MANIFEST,
            field=field,
            pattern=shown,
            other=unread[0].file,
            meant=unread[0].meant,
        )
    else:
        message = _(
            "{file}: {field}: {pattern} matches no file in the pack directory; "
            "the rules it was meant to read would be missing without a word"
        ).format(file=MANIFEST, field=field, pattern=shown)
    return PackError(
        message,
        file=MANIFEST,
        line=_manifest_line(data, node, ["rule_files", index]),
        field=field,
    )


def _manifest_line(data: object, node: YamlRef, path: list[str | int]) -> int | None:
    """The line of a manifest field the manifest writes (``None`` for a default)."""
    if not isinstance(data, dict) or path[0] not in data:
        return None
    return line_of(node, path)


def _content_hash(read: Mapping[str, bytes]) -> str:
    """SHA-256 over each file's relative path and bytes, in path order (as pathlib sorts)."""
    digest = hashlib.sha256()
    for name in sorted(read, key=Path):
        data = read[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
