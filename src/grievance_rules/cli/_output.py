"""Writing output files so that a cut-off run never leaves a file that looks complete.

Every file a command writes goes to a temporary file beside it and is renamed into
place only when complete (``os.replace``, atomic on one file system): an
interrupted run leaves the old file, or none, never half of a new one.
"""

from __future__ import annotations

import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import click

from grievance_rules.atomic import atomic_path
from grievance_rules.engine import Rejection
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext

__all__ = [
    "REJECTED_EXIT",
    "atomic_file",
    "atomic_path",
    "counts_line",
    "echo_rejection",
    "rejection_line",
    "write_text",
]

REJECTED_EXIT = 1
"""The exit status of a command that ran to the end but rejected some records (as
``read`` does); a usage error exits 2."""


@contextlib.contextmanager
def atomic_file(target: str | Path, mode: str = "w") -> Iterator[IO[str]]:
    """A text file (UTF-8) written in place of ``target`` when the block ends without error."""
    with atomic_path(target) as tmp, open(tmp, mode, encoding="utf-8", newline="") as handle:
        yield handle


def write_text(target: str | Path, text: str) -> None:
    """Write ``text`` (UTF-8) to ``target`` atomically."""
    with atomic_file(target) as handle:
        handle.write(text)


def counts_line(
    inputs: int, assessed: int, excluded: int, rejected: int, *, records: bool = False
) -> str:
    """A command's closing counts, which add up: inputs = assessed + excluded + rejected.

    ``assessed`` are the orders assessed and counted (测评); ``excluded`` those judged
    but excluded from assessment (不纳入测评), said apart as a scorecard counts them
    (``Scorecard.assessed`` and ``excluded``), and only when there are any. The inputs
    are called records with ``records`` (as ``read``, ``evaluate`` and ``watch`` say).

    Example:
        >>> counts_line(4, 2, 1, 1)
        '4 inputs: 2 assessed, 1 excluded from assessment, 1 rejected'
        >>> counts_line(3, 2, 0, 1, records=True)
        '3 records: 2 assessed, 1 rejected'
        >>> counts_line(1, 1, 0, 0, records=True)
        '1 record: 1 assessed, 0 rejected'
    """
    counts = {"inputs": inputs, "assessed": assessed, "excluded": excluded, "rejected": rejected}
    if records and excluded:
        text = ngettext(
            "{inputs} record: {assessed} assessed, {excluded} excluded from assessment, "
            "{rejected} rejected",
            "{inputs} records: {assessed} assessed, {excluded} excluded from assessment, "
            "{rejected} rejected",
            inputs,
        )
    elif records:
        text = ngettext(
            "{inputs} record: {assessed} assessed, {rejected} rejected",
            "{inputs} records: {assessed} assessed, {rejected} rejected",
            inputs,
        )
    elif excluded:
        text = ngettext(
            "{inputs} input: {assessed} assessed, {excluded} excluded from assessment, "
            "{rejected} rejected",
            "{inputs} inputs: {assessed} assessed, {excluded} excluded from assessment, "
            "{rejected} rejected",
            inputs,
        )
    else:
        text = ngettext(
            "{inputs} input: {assessed} assessed, {rejected} rejected",
            "{inputs} inputs: {assessed} assessed, {rejected} rejected",
            inputs,
        )
    return text.format(**counts)


def rejection_line(rejection: Rejection) -> str:
    """A rejected record as ``read`` says one: where, the order, every reason."""
    reasons = _("; ").join(rejection.reasons)
    if rejection.order_id is None:
        return _("{location}: {problems}").format(location=rejection.source, problems=reasons)
    return _("{location} (order {order}): {problems}").format(
        location=rejection.source, order=rejection.order_id, problems=reasons
    )


def echo_rejection(rejection: Rejection, *, for_people: bool) -> None:
    """A rejected record on standard error, as every command writes one.

    For people (a command's ``table`` output): ``rejected <where> (order <id>): <reasons>``
    in the current language; otherwise one JSON object, ``{"rejected": {"source",
    "order_id", "reasons"}}``.
    """
    if for_people:
        click.echo(_("rejected {record}").format(record=rejection_line(rejection)), err=True)
    else:
        click.echo(
            json.dumps({"rejected": rejection.model_dump(mode="json")}, ensure_ascii=False),
            file=sys.stderr,
        )
