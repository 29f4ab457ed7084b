"""``grievance-rules serve``: the HTTP service on uvicorn (needs the ``serve`` extra)."""

from __future__ import annotations

import errno
import socket
from pathlib import Path

import click

from grievance_rules.cli._language import N_, command, option
from grievance_rules.i18n import gettext as _

__all__ = ["serve_command"]


@command("serve")
@option("--host", default="127.0.0.1", show_default=True, help=N_("Interface to listen on."))
@option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=N_("Port to listen on (0: a free one, named in the line printed at start)."),
)
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
@option(
    "--max-body",
    type=click.IntRange(min=1),
    default=8 * 1024 * 1024,
    show_default=True,
    help=N_("Largest body, bytes."),
)
@option(
    "--max-batch",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help=N_("Most orders per request."),
)
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
    Once listening, prints the address it serves on.
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
    config = uvicorn.Config(app, host=host, port=port, log_level="warning")
    try:
        listening = _listening_socket(host, port, config.backlog)
    except OSError as exc:
        raise click.ClickException(
            _("cannot listen on {address}: {problem}").format(
                address=_address(host, port), problem=_socket_problem(exc)
            )
        ) from None
    with listening:
        bound = int(listening.getsockname()[1])
        click.echo(
            _("Serving on http://{address} (Ctrl+C to stop)").format(address=_address(host, bound))
        )
        server = uvicorn.Server(config)
        server.run(sockets=[listening])
    if not server.started:
        raise click.ClickException(_("the service did not start (see the messages above)"))


def _listening_socket(host: str, port: int, backlog: int) -> socket.socket:
    """A TCP socket listening on ``host`` and ``port`` (0: a free port), as uvicorn binds one.

    (uvicorn's ``Config.bind_socket`` logs a failure in English and exits; this one
    raises, so that ``serve`` says why in the user's language.)
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listening = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    try:
        listening.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listening.bind((host, port))
        # listening before the address is printed: a client that reads the line and
        # connects at once waits in the backlog until the server takes it
        listening.listen(backlog)
    except OSError:
        listening.close()
        raise
    return listening


def _address(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def _socket_problem(exc: OSError) -> str:
    """Why a socket could not be bound, in the chosen language where the cause is a usual one."""
    if exc.errno == errno.EADDRINUSE:
        return _("the port is taken by another program")
    if exc.errno == errno.EACCES:
        return _("not permitted (ports below 1024 need an administrator)")
    if exc.errno == errno.EADDRNOTAVAIL:
        return _("this machine has no such address")
    return str(exc.strerror or exc)
