"""``grievance-rules score``, ``compare`` and ``what-if``: scorecards and comparisons of a file.

Each reads the orders of FILE once (streaming), shows a progress bar on a
terminal, writes its report (Markdown on standard output by default; CSV,
JSON or a self-contained HTML file when asked) and closes with the counts on
standard error, which add up: inputs = assessed + excluded from assessment (不纳入测评)
+ rejected (``compare``: under each pack).
"""

from __future__ import annotations

import contextlib
import json
import shlex
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import click
import yaml

from grievance_rules.cli._dataset import (
    cluster_options,
    cluster_repeats,
    input_repeats,
    pop_cluster,
    records_of,
    repeats_option,
    say_unread_dataset_columns,
)
from grievance_rules.cli._language import N_, Choice, argument, command, option
from grievance_rules.cli._options import (
    DUPLICATES_OPTION,
    SCORING_ENGINE_OPTION,
    pack_options,
    parse_instant,
    scoring_engine,
    writable_file,
)
from grievance_rules.cli._output import (
    REJECTED_EXIT,
    atomic_path,
    counts_line,
    echo_rejection,
    write_text,
)
from grievance_rules.cli._reading import (
    file_options,
    input_format_option,
    pop_file_options,
    tz_option,
    zone_of,
)
from grievance_rules.engine.periods import PERIOD_KINDS
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import ngettext, pgettext
from grievance_rules.packs import find_pack
from grievance_rules.scoring import Comparison, Scorecard, compare, score

__all__ = ["compare_command", "score_command", "what_if_command"]


def _count_records(file: str) -> int | None:
    """The number of records, when it can be known cheaply (JSON Lines: non-blank lines)."""
    if not file.endswith((".jsonl", ".ndjson")):
        return None
    with open(file, "rb") as handle:
        return sum(1 for line in handle if line.strip())


@contextlib.contextmanager
def _progress(file: str, show: bool | None) -> Iterator[Callable[[int], None] | None]:
    """A progress bar on standard error (on a terminal, or when asked with --progress)."""
    if show is None:
        show = sys.stderr.isatty()
    if not show:
        yield None
        return
    bar: Any = click.progressbar(
        length=_count_records(file), label=_("orders"), file=sys.stderr, show_pos=True
    )
    with bar:
        yield bar.update


def _distributed() -> Any:
    """:mod:`grievance_rules.distributed`, imported when a cluster run asks for it."""
    from grievance_rules import distributed

    return distributed


def _write(text: str, output: str | None) -> None:
    if output is None:
        click.echo(text, nl=not text.endswith("\n"))
    else:
        write_text(output, text)  # a temporary file renamed when complete
        click.echo(_("wrote {file}").format(file=output), err=True)


def _emit_scorecard(card: Scorecard, fmt: str, output: str | None) -> None:
    from grievance_rules import reports

    if fmt in ("parquet", "csv"):  # tables of units: no place for a rejected record,
        # whose reasons were lost (said only as a count); each on standard error, as
        # evaluate says it (JSON and Markdown list them, xlsx on a sheet of its own)
        for rejection in card.rejections:
            echo_rejection(rejection, for_people=False)
    if fmt == "json":
        _write(card.model_dump_json(indent=2) + "\n", output)
    elif fmt == "markdown":
        _write(reports.scorecard_markdown(card), output)
    elif fmt == "html":
        _write(reports.scorecard_html(card), output)
    elif fmt == "xlsx":
        from grievance_rules.reports.xlsx import scorecard_xlsx

        assert output is not None  # refused before reading
        scorecard_xlsx(card, output)  # a temporary file beside it, renamed when complete
        click.echo(_("wrote {file}").format(file=output), err=True)
    elif fmt == "parquet":
        from grievance_rules.reports.parquet import write_scorecard_parquet

        assert output is not None  # refused before reading
        write_scorecard_parquet(card, output)
        click.echo(_("wrote {file}").format(file=output), err=True)
    else:
        if output is None:
            reports.write_scorecard_csv(card, sys.stdout)
        else:
            with atomic_path(output) as tmp:
                reports.write_scorecard_csv(card, tmp)  # UTF-8 with a BOM, for Excel
            click.echo(_("wrote {file}").format(file=output), err=True)


def _comparison_json(result: Comparison) -> str:
    """A comparison (``compare``, ``what-if``) as JSON, its counts as its report says them.

    ``Comparison.assessed`` counts the inputs not rejected, those excluded from
    assessment (不纳入测评, 核减) among them, where the report, the closing line and
    each scorecard say ``assessed`` of those counted only. Here ``assessed`` is what
    the report says, ``excluded`` follows it, so that ``inputs = assessed + excluded
    + rejected``; the former count is kept as ``not_rejected`` (``= assessed +
    excluded``). Everything else is the comparison's JSON, key for key.
    """
    from grievance_rules.reports.tables import comparison_counts

    counts = comparison_counts(result)
    data: dict[str, Any] = {}
    for key, value in result.model_dump(mode="json").items():
        if key == "assessed":
            data["assessed"] = counts.assessed
            data["excluded"] = counts.excluded
        elif key == "rejected":
            data["rejected"] = value
            data["not_rejected"] = result.assessed
        else:
            data[key] = value
    return json.dumps(data, indent=2, ensure_ascii=False)


def _emit_comparison(
    result: Comparison,
    markdown: str | None,
    html: str | None,
    csv_dir: str | None,
    as_json: bool,
    *,
    stdout: bool = True,
) -> None:
    """The comparison's outputs.

    ``stdout``: the Markdown report goes to standard output when no file is named for
    it (not when ``-o`` named the HTML or xlsx report). The JSON counts as the report
    does (:func:`_comparison_json`).
    """
    from grievance_rules import reports

    if as_json:
        click.echo(_comparison_json(result))
    # the Markdown report: to its file when one is named (with --json too: it was not
    # written, without a word), else to standard output unless the JSON went there
    if markdown is not None or (stdout and not as_json):
        _write(reports.comparison_markdown(result), markdown)
    if html is not None:
        write_text(html, reports.comparison_html(result))
        click.echo(_("wrote {file}").format(file=html), err=True)
    if csv_dir is not None:
        Path(csv_dir).mkdir(parents=True, exist_ok=True)
        written = reports.write_comparison_csv(result, csv_dir)
        click.echo(
            _("wrote {count} CSV files to {folder}").format(count=len(written), folder=csv_dir),
            err=True,
        )


def _reading_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options: list[Callable[[Callable[..., Any]], Callable[..., Any]]] = [
        argument("file", type=click.Path(exists=True, dir_okay=True)),
        option(
            "--period",
            type=Choice(PERIOD_KINDS),
            default="month",
            show_default=True,
            help=N_("Kind of period of the scorecards."),
        ),
        option(
            "--as-of",
            help=N_(
                "Assess as of this instant (ISO 8601 with offset; a date alone is 00:00 "
                "Shanghai time)."
            ),
        ),
        input_format_option,
        tz_option(N_("Zone for naive timestamps in FILE and --as-of (e.g. Asia/Shanghai).")),
        file_options,
        option(
            "--processes",
            type=click.IntRange(min=1),
            default=1,
            show_default=True,
            help=N_("Worker processes for the engine."),
        ),
        SCORING_ENGINE_OPTION,
        DUPLICATES_OPTION,
        repeats_option,
        option(
            "--progress/--no-progress",
            default=None,
            help=N_("Show a progress bar (default: on a terminal)."),
        ),
        cluster_options,
    ]
    for add in reversed(options):
        func = add(func)
    return func


def _over_file(
    run: Callable[..., Any],
    dataset: Callable[..., Any] | None = None,
    *,
    file: str,
    input_format: str | None,
    tz: str | None,
    as_of: str | None,
    progress: bool | None,
    assume_tz: str | None = None,
    packs: Sequence[Any] = (),
    repeats: bool = True,
    **options: Any,
) -> Any:
    """``run(orders, as_of=..., progress=..., repeats=..., **options)`` over FILE's records.

    With a progress bar; ``repeats``: the repeat index of FILE's orders when one of
    ``packs`` has a repeat rule (a first pass over FILE), else ``None``. On a Dask
    cluster (``--scheduler``, ``--workers``): ``dataset(FILE, as_of=...,
    assume_tz=..., scheduler=..., workers=..., **options)``.
    """
    tz = zone_of(tz, assume_tz)
    reading = pop_file_options(options)
    cluster = pop_cluster(file, options)
    scoring_engine(options)
    if cluster is not None and dataset is not None:
        options.pop("processes", None)
        say_unread_dataset_columns(file)  # (the workers read the partitions; said here)
        return dataset(
            file,
            as_of=parse_instant(as_of, tz, "--as-of") if as_of else None,
            assume_tz=tz,
            repeats=cluster_repeats(packs, repeats),
            **cluster,
            **options,
        )
    records: Any = records_of(file, input_format, tz, notes=True, **reading)
    if options.get("duplicates") == "last":  # the last record of an id: read it all first
        records = list(records)
    instant = parse_instant(as_of, tz, "--as-of") if as_of else None
    index = input_repeats(
        packs,
        lambda: (
            records if isinstance(records, list) else records_of(file, input_format, tz, **reading)
        ),
        options.get("duplicates", "reject"),
        repeats,
        instant,
    )
    with _progress(file, progress) as update:
        return run(
            records,
            as_of=instant,
            progress=update,
            repeats=index,
            **options,
        )


_SCORE_FORMATS = {
    ".md": "markdown",
    ".markdown": "markdown",
    ".csv": "csv",
    ".json": "json",
    ".html": "html",
    ".htm": "html",
    ".parquet": "parquet",
    ".xlsx": "xlsx",
}
"""The report a ``score --output`` file's ending asks for, without ``--output-format``."""


@command("score")
@pack_options
@option(
    "--output-format",
    "fmt",
    type=Choice(["markdown", "csv", "json", "html", "parquet", "xlsx"]),
    default=None,
    help=N_(
        "The report's format (default: as the --output name's ending says, .md .csv .json "
        ".html .parquet .xlsx; else markdown)."
    ),
)
@option(
    "--output",
    "-o",
    callback=writable_file,
    help=N_("Write the report to this file (default: standard output)."),
)
@_reading_options
def score_command(
    pack_name: str | Path, fmt: str | None, output: str | None, **reading: Any
) -> None:
    """Each unit's scorecard per period under a pack: points, score, rank, rates, period rules."""
    if fmt is None:  # -o scores.html: the HTML report (it wrote Markdown under that name)
        ending = Path(output).suffix.lower() if output is not None else ""
        fmt = _SCORE_FORMATS.get(ending, "markdown")
    if fmt in ("html", "parquet", "xlsx") and output is None:  # refused before any order is read
        raise click.UsageError(
            _("--output-format {format} needs --output FILE (-o FILE)").format(format=fmt)
        )
    pack = find_pack(pack_name)
    card: Scorecard = _over_file(
        lambda orders, **kw: score(orders, pack, **kw),
        lambda dataset, **kw: _distributed().score_dataset(dataset, pack, **kw),
        packs=[pack],
        **reading,
    )
    _emit_scorecard(card, fmt, output)
    click.echo(
        counts_line(card.inputs, card.assessed, card.excluded, card.rejected),
        err=True,
    )
    # the rows do not hold every assessed order (a Parquet or CSV file of rows does not
    # say so): how many are in none, and why ("" when every one is in a row)
    from grievance_rules.reports.markdown import unattributed_sentence

    if said := unattributed_sentence(card.unattributed):
        click.echo(said, err=True)
    if card.rejected:
        raise SystemExit(REJECTED_EXIT)


def _comparison_options(func: Callable[..., Any]) -> Callable[..., Any]:
    options = [
        option(
            "--markdown",
            "markdown",
            callback=writable_file,
            help=N_("Write the Markdown report here (default: stdout)."),
        ),
        option(
            "--html",
            callback=writable_file,
            help=N_("Also write a self-contained HTML report here."),
        ),
        option("--csv", "csv_dir", help=N_("Also write the tables as CSV files into this folder.")),
        option("--json", "as_json", is_flag=True, help=N_("Print the comparison as JSON.")),
        option(
            "--xlsx",
            callback=writable_file,
            help=N_("Also write the tables as an Excel workbook here (.xlsx)."),
        ),
        option(
            "--output",
            "-o",
            callback=writable_file,
            help=N_(
                "Write the report to this file, in the format its name ends with: .md "
                "(Markdown), .html or .xlsx (the same as --markdown, --html or --xlsx)."
            ),
        ),
        option(
            "--examples",
            type=click.IntRange(min=0),
            default=20,
            show_default=True,
            help=N_("Diverging orders kept in full."),
        ),
    ]
    for add in reversed(options):
        func = add(func)
    return func


def _finish(
    result: Comparison,
    markdown: str | None,
    html: str | None,
    csv_dir: str | None,
    as_json: bool,
    *,
    stdout: bool = True,
) -> None:
    _emit_comparison(result, markdown, html, csv_dir, as_json, stdout=stdout)
    # under each pack, as its scorecard counts them: inputs = assessed + excluded + rejected
    under = pgettext("list", "; ").join(
        _("under {pack} {assessed} assessed, {excluded} excluded from assessment").format(
            pack=card.pack, assessed=card.assessed, excluded=card.excluded
        )
        for card in result.scorecards
    )
    click.echo(
        ngettext(
            "{inputs} input: {under}; {rejected} rejected",
            "{inputs} inputs: {under}; {rejected} rejected",
            result.inputs,
        ).format(inputs=result.inputs, under=under, rejected=result.rejected),
        err=True,
    )
    if result.rejected:
        raise SystemExit(REJECTED_EXIT)


def _run_comparison(
    packs: list[Any],
    *,
    markdown: str | None,
    html: str | None,
    csv_dir: str | None,
    as_json: bool,
    xlsx: str | None = None,
    output: str | None = None,
    **options: Any,
) -> None:
    if output is not None:  # by its name's ending, checked before any order is read
        ending = Path(output).suffix.lower()
        chosen = {".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html"}
        kind = chosen.get(ending, "xlsx" if ending == ".xlsx" else None)
        if kind is None:
            raise click.UsageError(
                _("--output {file}: name a file ending in .md, .html or .xlsx").format(file=output)
            )
        given = {"markdown": markdown, "html": html, "xlsx": xlsx}[kind]
        if given is not None and given != output:
            raise click.UsageError(
                _("--output {file} and --{kind} {other} both ask for the {kind} report").format(
                    file=output, kind=kind, other=given
                )
            )
        if kind == "markdown":
            markdown = output
        elif kind == "html":
            html = output
        else:
            xlsx = output
    result: Comparison = _over_file(
        lambda orders, **kw: compare(orders, packs, **kw),
        lambda dataset, **kw: _distributed().compare_dataset(dataset, packs, **kw),
        packs=packs,
        **options,
    )
    if xlsx is not None:
        from grievance_rules.reports.xlsx import comparison_xlsx

        comparison_xlsx(result, xlsx)  # a temporary file beside it, renamed when complete
        click.echo(_("wrote {file}").format(file=xlsx), err=True)
    # -o report.html (or .xlsx) is the report asked for: no Markdown on standard output
    _finish(
        result,
        markdown,
        html,
        csv_dir,
        as_json,
        stdout=output is None or output == markdown,
    )


@command("compare")
@option("--packs", required=True, help=N_("Comma-separated pack names or directories."))
@_comparison_options
@_reading_options
def compare_command(packs: str, **options: Any) -> None:
    """The same orders under several packs: where they diverge and each unit's score under each."""
    names = [name.strip() for name in packs.split(",") if name.strip()]
    if len(names) < 2:
        raise click.UsageError(_("--packs needs at least two packs, e.g. chengdong,xiayang"))
    _run_comparison(names, **options)


def _parse_setting(text: str) -> tuple[str, Any]:
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise click.BadParameter(
            _("{text}: expected NAME=VALUE, e.g. points_overdue=-2").format(text=repr(text)),
            param_hint="--set",
        )
    try:
        parsed = yaml.safe_load(value)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or type(exc).__name__
        raise click.BadParameter(
            _("{text}: the value is not a YAML scalar ({problem})").format(
                text=repr(text), problem=problem
            ),
            param_hint="--set",
        ) from None
    return name.strip(), parsed


@command("what-if")
@pack_options
@option(
    "--set",
    "settings",
    multiple=True,
    required=True,
    metavar="NAME=VALUE",
    help=N_("A parameter and its new value (YAML scalar); repeatable."),
)
@_comparison_options
@_reading_options
def what_if_command(pack_name: str | Path, settings: tuple[str, ...], **options: Any) -> None:
    """The same orders under a pack as it is and with some parameters changed."""
    base = find_pack(pack_name)
    parsed = {text: _parse_setting(text) for text in settings}
    first: dict[str, str] = {}
    for text, (name, _value) in parsed.items():  # a name set twice: which value was meant?
        if name in first:  # (the earlier value was dropped without a word)
            raise click.BadParameter(
                _("{name} is set twice ({first} and {second}); set it once").format(
                    name=name, first=repr(first[name]), second=repr(text)
                ),
                param_hint="--set",
            )
        first[name] = text
    changed = base.with_parameters(
        dict(parsed.values()),
        given_by={  # an error about a value names the option it came from, as typed
            name: _("the option --set {setting}").format(setting=shlex.quote(text))
            for text, (name, _value) in parsed.items()
        },
    )
    _run_comparison([base, changed], **options)
