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

from grievance_rules.errors import PackError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import language
from grievance_rules.packs.checks import (
    Checker,
    check_calendar,
    check_parameter_citations,
    check_scoring,
    late_parameter_flags,
    late_parameters,
    overlapping_deductions,
    overlapping_pairs,
    pack_flags,
    uncited_parameters,
    uncited_values,
)
from grievance_rules.packs.files import check_no_outward_links, check_relative
from grievance_rules.packs.pack import ORIGINS, Pack
from grievance_rules.packs.schema import (
    Manifest,
    Parameter,
    Rule,
    RuleFile,
)
from grievance_rules.packs.yaml_lines import MANIFEST, YamlRef, line_of, read_yaml, validate_as

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
        for match in matches:
            found.setdefault(match, f"rule_files.{i}")
    paths = sorted(found)
    for path in paths:
        name = path.relative_to(root).as_posix()
        data, node = read_yaml(path, root, read, found[path])
        if data is None:
            continue
        parsed: RuleFile = validate_as(RuleFile, data, name, node)
        for index, rule in enumerate(parsed.rules):
            if rule.id in where:
                raise PackError(
                    _("{file}: rule id {id} is also defined in {other}").format(
                        file=name, id=repr(rule.id), other=where[rule.id][0]
                    ),
                    file=name,
                    line=line_of(node, ["rules", index]),
                    rule_id=rule.id,
                    field="id",
                )
            where[rule.id] = (name, node, index)
            files[rule.id] = name
            rules.append(rule)
    Checker(manifest, rules, parameters, where).run()
    check_scoring(manifest, parameters)
    with language("en"):  # the pack's record, the same whatever language loads it
        flags = pack_flags(rules, parameters, manifest)
    if strict and flags:
        pairs = overlapping_pairs(rules)
        if pairs:
            first = pairs[0][0]
            raise PackError(
                _("pack {id}: {problem}").format(
                    id=manifest.id, problem=overlapping_deductions(rules)[0]
                ),
                file=files.get(first),
                rule_id=first,
                field="when",
            )
        uncited = uncited_values(parameters)
        if not uncited:  # a parameter read by undated rules before its first value
            late = [item for item in late_parameters(rules, parameters, manifest) if item.undated]
            raise PackError(
                _("pack {id}: {problem}").format(
                    id=manifest.id,
                    problem=late_parameter_flags(late, manifest.parameters_file)[0],
                ),
                file=manifest.parameters_file,
                line=line_of(parameter_places.get(late[0].name), ["values", 0, "from"]),
                rule_id=late[0].undated[0],
                field=f"{late[0].name}.values.0.from",
            )
        name, index = uncited[0]
        raise PackError(
            _("pack {id}: {problem}").format(
                id=manifest.id, problem=uncited_parameters(parameters)[0]
            ),
            file=manifest.parameters_file,
            line=line_of(parameter_places.get(name), ["values", index]),
            field=f"{name}.values.{index}.citation",
        )
    digest = _content_hash(read)
    return Pack(manifest, tuple(rules), parameters, root, files, tuple(flags), {}, digest, origin)


def _content_hash(read: Mapping[str, bytes]) -> str:
    """SHA-256 over each file's relative path and bytes, in path order (as pathlib sorts)."""
    digest = hashlib.sha256()
    for name in sorted(read, key=Path):
        data = read[name]
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    return digest.hexdigest()
