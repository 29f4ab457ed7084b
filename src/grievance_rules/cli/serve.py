"""``grievance-rules serve``: the HTTP service on uvicorn (needs the ``serve`` extra)."""

from __future__ import annotations

from pathlib import Path

import click

from grievance_rules.cli._language import N_, command, option
from grievance_rules.i18n import gettext as _

__all__ = ["serve_command"]


@command("serve")
@option("--host", default="127.0.0.1", show_default=True, help=N_("Interface to listen on."))
@option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@option(
    "--pack",
    "pack_names",
    multiple=True,
    help=N_("A pack to serve (name or directory; repeat). Default: the built-in packs."),
)
@option(
    "--token-file",
    type=click.Path(exists=True, dir_okay=False),
    help=N_("A file holding the bearer token every /v1 request must present."),
)
@option("--max-body", default=8 * 1024 * 1024, show_default=True, help=N_("Largest body, bytes."))
@option("--max-batch", default=10_000, show_default=True, help=N_("Most orders per request."))
def serve_command(
    host: str,
    port: int,
    pack_names: tuple[str, ...],
    token_file: str | None,
    max_body: int,
    max_batch: int,
) -> None:
    """Serve the library over HTTP (OpenAPI at /openapi.json, docs at /docs).

    Packs are loaded once, at start; requests read no files and write nothing.
    """
    try:
        import uvicorn

        from grievance_rules.service import Limits, create_app
    except ImportError as exc:
        raise click.ClickException(
            _(
                "the service needs the serve extra: pip install 'grievance-rules[serve]' "
                "({problem})"
            ).format(problem=exc)
        ) from None
    token = None
    if token_file is not None:
        token = Path(token_file).read_text(encoding="utf-8").strip()
        if not token:
            raise click.ClickException(_("{file} is empty").format(file=token_file))
    app = create_app(
        list(pack_names) or None,
        token=token,
        limits=Limits(max_body_bytes=max_body, max_batch=max_batch),
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
