"""The FastAPI application: endpoints over packs loaded once, at start.

* ``POST /v1/evaluate`` — one order (a JSON object) or a batch (a JSON array);
  query ``pack``, ``as_of``. One order: the assessment's own JSON, byte
  for byte; a batch: a JSON array of them, in input order.
* ``POST /v1/evaluate/stream`` — JSON Lines in, JSON Lines out, one line per
  input line (an assessment, or ``{"rejected": ...}``) and a last line of counts;
  read and answered line by line, in bounded memory.
* ``POST /v1/watch``, ``POST /v1/score``, ``POST /v1/compare`` — a JSON array of
  orders; the watch list, a scorecard, a comparison.
* ``GET /v1/packs``, ``/v1/packs/{name}``, ``/v1/packs/{name}/readme``,
  ``/v1/calendar/{is-workday,add,between,explain}``, ``/v1/schema/order``,
  ``/v1/schema/pack``, ``/openapi.json``, ``/docs``, ``/healthz``.

Errors: 400 a body that is not JSON (or not the shape asked for), 401 a missing
or wrong bearer token, 404 an unknown pack, 413 a body or batch over the limits,
422 a bad record (naming the record, the field and the problem, with the counts:
for ``/v1/evaluate`` ``inputs = assessed + rejected``, the valid records assessed
and their assessments in ``assessments``; for watch, score and compare, which need
the whole batch, ``inputs = valid + rejected`` and nothing computed) or a bad
query value. Every ``/v1`` request takes ``lang`` (``zh``, the default, or ``en``):
the language of the answer's messages (see :class:`_Language`).
"""

from __future__ import annotations

import datetime as dt
import hmac
import json
import math
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import TypeAdapter
from starlette.exceptions import HTTPException as StarletteHTTPException

from grievance_rules import __version__
from grievance_rules.calendar import SHANGHAI, CountingConvention, HalfDayRule
from grievance_rules.engine import RepeatIndex, evaluate, plan_for
from grievance_rules.engine.batch import INPUT_ERRORS
from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.engine.matching import check_integers, view_of
from grievance_rules.engine.single import instant_of
from grievance_rules.errors import FactValidationError, GrievanceRulesError, HistoryError
from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import language, language_of
from grievance_rules.model import WorkOrder, work_order_schema
from grievance_rules.model.base import EARLIEST, LATEST
from grievance_rules.operations import watch
from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.readme import render_readme
from grievance_rules.packs.schema import Manifest, Parameter, RuleFile
from grievance_rules.reading import Accepted, validate_record
from grievance_rules.reading.problems import pydantic_message
from grievance_rules.reading.results import Rejected, SourceLocation
from grievance_rules.scoring import compare, score

__all__ = ["Limits", "create_app"]

_JSON = "application/json"
_JSONL = "application/x-ndjson"


@dataclass(frozen=True)
class Limits:
    """Request limits: larger bodies and batches are refused with 413."""

    max_body_bytes: int = 8 * 1024 * 1024
    """The largest request body (and, for the stream, the longest line)."""
    max_batch: int = 10_000
    """The most orders in one request (the stream: in one request, too)."""


class _LineStream(StreamingResponse):
    """A streamed answer that reads the request body while it answers.

    Starlette's own streaming response also listens for the client's disconnect,
    taking the request's remaining body messages; this one leaves them to the
    generator, which reads the body line by line as it answers.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        async for chunk in self.body_iterator:
            data = chunk if isinstance(chunk, bytes) else str(chunk).encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class _Bearer:
    """ASGI middleware: ``/v1`` requests need ``Authorization: Bearer <token>``.

    The token is compared in constant time (:func:`hmac.compare_digest`); a missing
    or wrong one is a 401 before the request reaches an endpoint.
    """

    def __init__(self, app: Any, secret: bytes) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope["path"].startswith("/v1"):
            given = b""
            for name, value in scope["headers"]:
                if name == b"authorization":
                    given = value
            scheme, _space, token = given.partition(b" ")
            if scheme.lower() != b"bearer" or not hmac.compare_digest(token, self.secret):
                refusal = JSONResponse(
                    {"error": _("missing or wrong bearer token")},
                    status_code=401,
                    headers={"WWW-Authenticate": "Bearer"},
                )
                await refusal(scope, receive, send)
                return
        await self.app(scope, receive, send)


_LANGUAGES = {"zh": "zh-Hans", "en": "en"}
"""The ``lang`` values, and the ``Content-Language`` of the answers in each."""


class _Language:
    """ASGI middleware: a ``/v1`` request's messages in the language of its ``lang``.

    ``lang=zh`` (the default) or ``lang=en``, in the query of any ``/v1`` request,
    chooses the language of the answer's messages (errors, the problems of a
    rejected record) for that request alone, and the answer's ``Content-Language``;
    another value is a 422 before the request reaches an endpoint. Assessments,
    scorecards and comparisons are the same in both (their rule titles and
    citations are the documents' Chinese).
    """

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        asked = [value for key, value in query if key == "lang"]
        # lang=zh, zh-CN, zh-Hans, en, en-US ...; else the first language of
        # Accept-Language that is one of ours; else zh
        lang = (language_of(asked[-1]) or asked[-1]) if asked else (_accepted(scope) or "zh")
        if lang not in _LANGUAGES:
            with language("zh"):
                refusal = JSONResponse(
                    {"error": _("lang: {value} is not zh or en").format(value=repr(lang))},
                    status_code=422,
                )
            await refusal(scope, receive, send)
            return
        header = (b"content-language", _LANGUAGES[lang].encode())

        async def labelled(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != b"content-language" for name, _value in headers):
                    headers.append(header)
                message = {**message, "headers": headers}
            await send(message)

        with language(lang):
            await self.app(scope, receive, labelled)


def _accepted(scope: Any) -> str | None:
    """The first language of the request's ``Accept-Language`` (by weight) that is ours."""
    for name, value in scope.get("headers", []):
        if name.lower() != b"accept-language":
            continue
        ranked: list[tuple[float, int, str]] = []
        for position, part in enumerate(value.decode("latin-1").split(",")):
            tag, _sep, params = part.strip().partition(";")
            weight = 1.0
            if params.strip().startswith("q="):
                try:
                    weight = float(params.strip()[2:])
                except ValueError:
                    weight = 0.0
            ranked.append((-weight, position, tag))
        for negative, _position, tag in sorted(ranked):
            found = language_of(tag)
            if found is not None and negative < 0:
                return found
    return None


class _RefusedError(Exception):
    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def _error(status: int, message: str, **extra: Any) -> _RefusedError:
    return _RefusedError(status, {"error": message, **extra})


async def _body(request: Request, limits: Limits) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise _error(
            413,
            _("body of {size} bytes is over the limit of {limit}").format(
                size=declared, limit=limits.max_body_bytes
            ),
        )
    chunks = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limits.max_body_bytes:
            raise _error(
                413,
                _("body is over the limit of {limit} bytes").format(limit=limits.max_body_bytes),
            )
        chunks.append(chunk)
    return b"".join(chunks)


def _json(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _error(400, _("body is not JSON: {problem}").format(problem=exc)) from None
    except RecursionError:
        raise _error(400, _("body is not JSON this service reads: nested too deeply")) from None


def _encoded(text: str) -> bytes:
    r"""JSON text as UTF-8, a lone surrogate a record brought (``"\ud800"``) escaped again.

    Such a character cannot be written in UTF-8; inside a JSON string its escape
    ``\ud800`` reads back as the same character, so the answer stays JSON.
    """
    return text.encode("utf-8", "backslashreplace")


class _Json(Response):
    """A JSON answer, written as :func:`_encoded` writes it."""

    media_type = _JSON

    def render(self, content: Any) -> bytes:
        if isinstance(content, bytes):
            return content
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return _encoded(content)


def _instant(text: str | None, name: str) -> dt.datetime | None:
    if text is None:
        return None
    try:  # a date alone: 00:00 Shanghai, as on the command line
        return dt.datetime.combine(dt.date.fromisoformat(text), dt.time(0), tzinfo=SHANGHAI)
    except ValueError:
        pass
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise _error(
            422,
            _("{name}: {value} is not an ISO 8601 date-time").format(name=name, value=repr(text)),
        ) from None
    if value.tzinfo is None:
        raise _error(
            422,
            _("{name}: {value} has no UTC offset (add one, e.g. +08:00)").format(
                name=name, value=repr(text)
            ),
        )
    if not EARLIEST <= value < LATEST:
        raise _error(
            422,
            _("{name}: {value} is outside the years 1900-2199").format(name=name, value=repr(text)),
        )
    return value


def _one_of(name: str, value: str, allowed: Sequence[str]) -> None:
    """Refuse (422) a query value that is not one of ``allowed``, listing them."""
    if value not in allowed:
        raise _error(
            422,
            _("{name}: {value} is not one of {allowed}").format(
                name=name, value=repr(value), allowed=", ".join(allowed)
            ),
        )


def _date(text: str, name: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _error(
            422, _("{name}: {value} is not a date YYYY-MM-DD").format(name=name, value=repr(text))
        ) from None


def _rejection(result: Rejected, index: int) -> dict[str, Any]:
    return {
        "record": index,
        "order_id": result.order_id,
        "problems": [
            {"field": p.field, "problem": p.message, "code": p.code} for p in result.problems
        ],
    }


def _validate(
    records: Sequence[Any], limits: Limits
) -> tuple[list[WorkOrder], list[dict[str, Any]], list[int]]:
    """The valid orders, each bad record's index, field and problem, and the valid ones' indices."""
    if len(records) > limits.max_batch:
        raise _error(
            413,
            _("batch of {count} orders is over the limit of {limit}").format(
                count=len(records), limit=limits.max_batch
            ),
        )
    orders: list[WorkOrder] = []
    rejected = []
    indices: list[int] = []
    for index, record in enumerate(records):
        if not isinstance(record, dict):
            problem = {"field": "", "problem": _("a record is a JSON object"), "code": "type"}
            rejected.append({"record": index, "order_id": None, "problems": [problem]})
            continue
        result = validate_record(record, location=SourceLocation("<body>", index + 1))
        if isinstance(result, Accepted):
            orders.append(result.order)
            indices.append(index)
        else:
            rejected.append(_rejection(result, index))
    return orders, rejected, indices


def _refusal(index: int, order_id: str | None, exc: Exception) -> dict[str, Any]:
    """A valid record the engine did not assess, named as a bad record is."""
    code = (
        "integer_range"
        if isinstance(exc, FactValidationError)
        else "history"
        if isinstance(exc, HistoryError)
        else "not_assessable"
    )
    problem = {"field": "", "problem": str(exc), "code": code}
    return {"record": index, "order_id": order_id, "problems": [problem]}


def _engine_checked(orders: Sequence[WorkOrder], instant: dt.datetime, count: int) -> None:
    """Refuse (422) a batch with an order the engine would refuse, naming each such record.

    For the endpoints that need the whole batch and call the engine themselves (watch):
    an event integer wider than 64 bits, as of ``instant``.
    """
    refused = []
    for index, order in enumerate(orders):  # (every record valid: index is its own)
        try:
            check_integers(view_of(order, instant_of(order, instant)))
        except INPUT_ERRORS as exc:
            refused.append(_refusal(index, order.id, exc))
    if refused:
        raise _error(
            422,
            _("{bad} of {count} records are not valid orders; nothing computed").format(
                bad=len(refused), count=count
            ),
            inputs=count,
            valid=count - len(refused),
            rejected=len(refused),
            rejections=refused,
        )


def _assessed(
    orders: Sequence[WorkOrder],
    indices: Sequence[int],
    pack: Pack,
    instant: dt.datetime | None,
    *,
    batch: bool,
) -> tuple[list[str], list[dict[str, Any]]]:
    """Each valid record's assessment JSON, in order, and why the engine refused the others.

    A batch (``batch``) as the command line assesses a file: the pack's repeat rules
    count among the batch's orders (the first record of each id). An order alone is
    assessed alone, as ``evaluate`` assesses it (its repeat rules flagged as not
    counted: the service has not seen the platform's other orders). Either way a
    second record of an id is rejected, and an order the engine refuses (an event
    integer wider than 64 bits) is rejected alone, by its index.
    """
    repeats = (
        RepeatIndex.from_inputs(orders, duplicates="reject", as_of=instant)
        if batch and plan_for(pack).repeat_rules
        else None
    )
    seen = DuplicateIds("reject")
    parts: list[str] = []
    refused: list[dict[str, Any]] = []
    for order, index in zip(orders, indices, strict=True):
        try:
            assessment = evaluate(order, pack, instant, repeats=repeats)
        except INPUT_ERRORS as exc:
            refused.append(_refusal(index, order.id, exc))
            continue
        reason = seen.reason(order.id, index, f"#{index}")
        if reason is not None:
            problem = {"field": "id", "problem": reason, "code": "duplicate_id"}
            refused.append({"record": index, "order_id": order.id, "problems": [problem]})
            continue
        parts.append(assessment.model_dump_json())
    return parts, refused


def _orders(records: Sequence[Any], limits: Limits) -> list[WorkOrder]:
    """Every record valid, or a 422 naming each bad record, field and problem.

    For the endpoints that need the whole batch (watch, score, compare): nothing is
    computed; ``inputs = valid + rejected``.
    """
    orders, rejected, _indices = _validate(records, limits)
    if rejected:
        raise _error(
            422,
            _("{bad} of {count} records are not valid orders; nothing computed").format(
                bad=len(rejected), count=len(records)
            ),
            inputs=len(records),
            valid=len(orders),
            rejected=len(rejected),
            rejections=rejected,
        )
    return orders


def _order_list(body: Any, key: str = "orders") -> list[Any]:
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    raise _error(
        400,
        _("body must be a JSON array of orders or an object with {key}").format(key=repr(key)),
    )


_WARM_UP = WorkOrder.model_validate(
    {
        "id": "warm-up",
        "channel": "12345",
        "category": "投诉",
        "received_at": "2024-05-06T09:00:00+08:00",
        "units": [{"id": "ctr", "kind": "dispatch_centre"}, {"id": "u", "kind": "street_office"}],
        "events": [
            {"type": "dispatched", "at": "2024-05-06T09:30:00+08:00", "unit": "ctr", "to_unit": "u"}
        ],
    }
)
"""An order evaluated once per pack at start, so that requests find the rules compiled."""


_ERROR_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "A refusal: 'error' says why in the request's language; a batch with bad records "
        "names each (record from 0, order id, problems with field, problem and code) and "
        "the counts (inputs = assessed + rejected, or valid + rejected)."
    ),
    "properties": {
        "error": {"type": "string"},
        "inputs": {"type": "integer"},
        "assessed": {"type": "integer"},
        "valid": {"type": "integer"},
        "rejected": {"type": "integer"},
        "rejections": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "record": {"type": "integer"},
                    "order_id": {"type": ["string", "null"]},
                    "problems": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "field": {"type": "string"},
                                "problem": {"type": "string"},
                                "code": {"type": "string"},
                            },
                        },
                    },
                },
            },
        },
        "problems": {"type": "array", "items": {"type": "object"}},
        "assessments": {"type": "array", "items": {"$ref": "#/components/schemas/Assessment"}},
    },
    "required": ["error"],
}

_ERRORS = {
    "400": "the body is not JSON, or not the shape asked for",
    "401": "a token is set and the request has none, or a wrong one",
    "404": "an unknown pack",
    "413": "the body or the batch is over the limits",
    "422": "a bad record (each named), or a bad query value",
}


def _contract(app: FastAPI, *, bearer: bool) -> dict[str, Any]:
    """The OpenAPI description, with what the endpoints that read their body take and give.

    Those endpoints read the raw body (to name each bad record rather than refuse the
    batch), so FastAPI cannot see their schemas: they are added here, from the models
    themselves (a work order as accepted; an assessment, watch list, scorecard and
    comparison as written), with the refusals' shape, ``lang`` on every ``/v1``
    request and the bearer token when one is set.
    """
    if app.openapi_schema is not None:
        return app.openapi_schema
    from fastapi.openapi.utils import get_openapi
    from pydantic.json_schema import models_json_schema

    from grievance_rules.engine import Assessment
    from grievance_rules.operations import WatchList
    from grievance_rules.scoring import Comparison, Scorecard

    spec = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    refs, defs = models_json_schema(
        [
            (WorkOrder, "validation"),
            (Assessment, "serialization"),
            (WatchList, "serialization"),
            (Scorecard, "serialization"),
            (Comparison, "serialization"),
        ],
        ref_template="#/components/schemas/{model}",
    )
    schemas = spec.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(defs["$defs"])
    schemas["Refusal"] = _ERROR_SCHEMA
    ref = {model: refs[(model, mode)] for (model, mode) in refs}
    order, assessment = ref[WorkOrder], ref[Assessment]
    batch = {
        "oneOf": [
            {"type": "array", "items": order},
            {
                "type": "object",
                "properties": {"orders": {"type": "array", "items": order}},
                "required": ["orders"],
            },
        ]
    }
    bodies: dict[str, tuple[str, dict[str, Any], str, dict[str, Any]]] = {
        "/v1/evaluate": (
            _JSON,
            {"oneOf": [order, {"type": "array", "items": order}]},
            _JSON,
            {"oneOf": [assessment, {"type": "array", "items": assessment}]},
        ),
        "/v1/evaluate/stream": (
            _JSONL,
            {**order, "description": "one work order per line (JSON Lines)"},
            _JSONL,
            {
                "description": (
                    'one line per input line: an assessment, or {"rejected": ...}; '
                    'then {"counts": {"inputs", "assessed", "rejected"}}'
                )
            },
        ),
        "/v1/watch": (
            _JSON,
            batch,
            _JSON,
            {
                "allOf": [ref[WatchList]],
                "description": "the watch list, and a 'summary' per unit",
            },
        ),
        "/v1/score": (_JSON, batch, _JSON, ref[Scorecard]),
        "/v1/compare": (_JSON, batch, _JSON, ref[Comparison]),
    }
    for path, item in spec["paths"].items():
        for operation in item.values():
            if path.startswith("/v1"):
                names = {p.get("name") for p in operation.get("parameters", [])}
                if "lang" not in names:
                    operation.setdefault("parameters", []).append(
                        {
                            "name": "lang",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": ["zh", "en"], "default": "zh"},
                            "description": "the language of the answer's messages",
                        }
                    )
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)  # FastAPI's own shape: the service answers its own
                for status, what in _ERRORS.items():
                    responses[status] = {
                        "description": what,
                        "content": {_JSON: {"schema": {"$ref": "#/components/schemas/Refusal"}}},
                    }
                if bearer:
                    operation["security"] = [{"bearer": []}]
            if path in bodies:
                body_type, body, answer_type, answer = bodies[path]
                operation["requestBody"] = {
                    "required": True,
                    "content": {body_type: {"schema": body}},
                }
                operation["responses"]["200"] = {
                    "description": "the answer",
                    "content": {answer_type: {"schema": answer}},
                }
    spec["paths"]["/v1/packs/{name}/readme"]["get"]["responses"]["200"] = {
        "description": "the pack's README, rendered from its data",
        "content": {"text/markdown": {"schema": {"type": "string"}}},
    }
    if bearer:
        spec["components"]["securitySchemes"] = {"bearer": {"type": "http", "scheme": "bearer"}}
    app.openapi_schema = spec
    return spec


def create_app(
    packs: Sequence[Pack | str] | None = None,
    *,
    token: str | None = None,
    limits: Limits | None = None,
) -> FastAPI:
    """The application, with its packs loaded (and their calendars built) now.

    Args:
        packs: packs or pack names/directories; default: the built-in packs.
        token: if given, every ``/v1`` request needs ``Authorization: Bearer <token>``
            (compared in constant time).
        limits: body-size and batch-length limits.

    Raises:
        PackNotFoundError: a pack name that is not found.

    Example:
        >>> app = create_app(["xiayang"], token="s3cret")
        >>> sorted(route.path for route in app.routes if route.path.startswith("/v1/packs"))
        ['/v1/packs', '/v1/packs/{name}', '/v1/packs/{name}/readme']
    """
    from grievance_rules.packs import builtin_pack_names

    chosen = list(packs) if packs is not None else builtin_pack_names()
    loaded: dict[str, Pack] = {}
    for item in chosen:
        pack = find_pack(item) if isinstance(item, str) else item
        pack.calendar()  # built once, now
        loaded[pack.id] = pack
    readmes = {name: render_readme(pack) for name, pack in loaded.items()}
    for pack in loaded.values():  # compile each pack's rules now, not on the first request
        evaluate(_WARM_UP, pack)
    lim = limits or Limits()
    secret = token.encode() if token else None
    app = FastAPI(
        title="grievance-rules",
        version=__version__,
        description="12345 hotline rules over HTTP: assessments, watch lists, scorecards.",
    )

    def pack_of(name: str | None) -> Pack:
        if name is None:
            if len(loaded) == 1:
                return next(iter(loaded.values()))
            raise _error(
                422, _("pack: required (one of {packs})").format(packs=", ".join(sorted(loaded)))
            )
        pack = loaded.get(name)
        if pack is None:
            raise _error(
                404,
                _("unknown pack {name}; this service has: {packs}").format(
                    name=repr(name), packs=", ".join(sorted(loaded))
                ),
            )
        return pack

    @app.exception_handler(_RefusedError)
    async def _refused(request: Request, exc: _RefusedError) -> Response:
        return _Json(exc.body, status_code=exc.status)

    @app.exception_handler(GrievanceRulesError)
    async def _library(request: Request, exc: GrievanceRulesError) -> Response:
        return _Json({"error": str(exc)}, status_code=422)

    @app.exception_handler(ValueError)
    async def _value(request: Request, exc: ValueError) -> Response:
        return _Json({"error": str(exc)}, status_code=422)

    @app.exception_handler(RequestValidationError)
    async def _query(request: Request, exc: RequestValidationError) -> Response:
        problems = [
            {
                "field": ".".join(str(part) for part in error.get("loc", ())[1:]),
                "problem": pydantic_message(error) if "type" in error else error.get("msg", ""),
            }
            for error in exc.errors()
        ]
        text = "; ".join(f"{p['field']}: {p['problem']}" for p in problems)
        return _Json({"error": text, "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code)

    app.openapi = lambda: _contract(app, bearer=secret is not None)  # type: ignore[method-assign]
    if secret is not None:
        app.add_middleware(_Bearer, secret=secret)
    app.add_middleware(_Language)  # (added last: outermost, so a refused token is in it too)

    @app.get("/healthz")
    def healthz() -> dict[str, Any]:
        """Liveness, and the packs served."""
        return {"status": "ok", "version": __version__, "packs": sorted(loaded)}

    @app.get("/v1/packs")
    def list_packs() -> list[dict[str, Any]]:
        """The packs this service was started with."""
        return [
            {
                "name": name,
                "key": pack.key,
                "title": pack.manifest.name,
                "jurisdiction": pack.manifest.jurisdiction,
                "revision": pack.manifest.revision,
                "rules": len(pack.rules),
                "content_hash": pack.content_hash,
            }
            for name, pack in sorted(loaded.items())
        ]

    @app.get("/v1/packs/{name}")
    def pack_detail(name: str) -> Response:
        """A pack's manifest, rules (with citations) and dated parameters."""
        pack = pack_of(name)
        body = {
            "manifest": pack.manifest.model_dump(mode="json", by_alias=True),
            "rules": [rule.model_dump(mode="json", by_alias=True) for rule in pack.rules],
            "parameters": {
                key: value.model_dump(mode="json", by_alias=True)
                for key, value in sorted(pack.parameters.items())
            },
        }
        return Response(json.dumps(body, ensure_ascii=False), media_type=_JSON)

    @app.get("/v1/packs/{name}/readme", response_class=PlainTextResponse)
    def pack_readme(name: str) -> PlainTextResponse:
        """The pack's README (Markdown), rendered from its data."""
        pack_of(name)
        return PlainTextResponse(readmes[name], media_type="text/markdown; charset=utf-8")

    @app.get("/v1/calendar/is-workday")
    def is_workday(date: str, pack: str | None = None) -> dict[str, Any]:
        """Whether a date is a working day under the pack's calendar, and why."""
        info = pack_of(pack).calendar().day_info(_date(date, "date"))
        return {
            "date": date,
            "is_working_day": info.is_working_day,
            "kind": info.kind.value,
            "name": info.name,
            "provisional": info.provisional,
            "source": info.source.cite() if info.source else None,
        }

    @app.get("/v1/calendar/add")
    def add_days(date: str, days: int, pack: str | None = None) -> dict[str, Any]:
        """The ``days``-th working day strictly after ``date``."""
        if days < 0:
            raise _error(422, _("days: must not be negative"))
        cal = pack_of(pack).calendar()
        result = cal.add_working_days(_date(date, "date"), days)
        return {
            "date": date,
            "days": days,
            "result": result.isoformat(),
            "provisional": cal.is_provisional(result),
        }

    @app.get("/v1/calendar/between")
    def between(start: str, end: str, pack: str | None = None) -> dict[str, Any]:
        """Working days in ``(start, end]``."""
        cal = pack_of(pack).calendar()
        count = cal.working_days_between(_date(start, "start"), _date(end, "end"))
        return {"start": start, "end": end, "working_days": count}

    @app.get("/v1/calendar/explain")
    def explain(
        start: str,
        duration: str,
        convention: str = "working_time",
        half_day: str | None = None,
        pack: str | None = None,
    ) -> Response:
        """When ``duration`` from ``start`` ends under the pack's calendar, and why."""
        chosen = pack_of(pack)
        instant = _instant(start, "start")
        assert instant is not None
        _one_of("convention", convention, [c.value for c in CountingConvention])
        if half_day is not None:
            _one_of("half_day", half_day, [h.value for h in HalfDayRule])
        half = half_day or chosen.manifest.calendar.half_day
        deadline = chosen.calendar().deadline(instant, duration, convention, half_day=half)
        return Response(deadline.model_dump_json(), media_type=_JSON)

    @app.get("/v1/schema/order")
    def order_schema() -> dict[str, Any]:
        """The JSON Schema of a work order (validation mode)."""
        return work_order_schema("validation")

    @app.get("/v1/schema/pack")
    def pack_schema() -> dict[str, Any]:
        """The JSON Schemas of a pack's files: pack.yaml, a rule file, a parameter."""
        return {
            "pack.yaml": Manifest.model_json_schema(),
            "rules/*.yaml": RuleFile.model_json_schema(),
            "parameters.yaml": TypeAdapter(dict[str, Parameter]).json_schema(),
        }

    @app.post("/v1/evaluate")
    async def evaluate_orders(
        request: Request,
        pack: str | None = None,
        as_of: str | None = None,
        lang: str = "zh",
    ) -> Response:
        """Assess one order (an object) or a batch (an array); byte-identical to the library.

        ``lang`` (``zh`` or ``en``, as on every ``/v1`` request) is the messages' language.
        """
        chosen = pack_of(pack)
        instant = _instant(as_of, "as_of")
        body = _json(await _body(request, lim))
        if isinstance(body, dict) and set(body) == {"orders"} and isinstance(body["orders"], list):
            body = body["orders"]  # a batch wrapped as the other endpoints take it
        single = isinstance(body, dict)
        if single:
            body = [body]
        if not isinstance(body, list):
            raise _error(400, _("body must be an order (object) or a batch of orders (array)"))
        orders, rejected, indices = _validate(body, lim)
        parts, refused = _assessed(orders, indices, chosen, instant, batch=not single)
        rejected = sorted([*rejected, *refused], key=lambda r: int(r["record"]))
        if single and not rejected:
            return _Json(parts[0])
        if not rejected:
            return _Json("[" + ",".join(parts) + "]")
        # as the CLI: the valid records are assessed, the others named; the counts add up
        head = json.dumps(
            {
                "error": _("{bad} of {count} records are not valid orders").format(
                    bad=len(rejected), count=len(body)
                ),
                "inputs": len(body),
                "assessed": len(parts),
                "rejected": len(rejected),
                "rejections": rejected,
            },
            ensure_ascii=False,
        )
        text = head[:-1] + ',"assessments":[' + ",".join(parts) + "]}"
        return _Json(text, status_code=422)

    @app.post("/v1/evaluate/stream")
    async def evaluate_stream(
        request: Request, pack: str | None = None, as_of: str | None = None
    ) -> StreamingResponse:
        """JSON Lines in, JSON Lines out: one answer per line, then the counts."""
        chosen = pack_of(pack)
        instant = _instant(as_of, "as_of")

        async def lines() -> AsyncIterator[bytes]:
            buffer = b""
            async for chunk in request.stream():
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if len(line) > lim.max_body_bytes:
                        raise _error(
                            413, _("a line over {limit} bytes").format(limit=lim.max_body_bytes)
                        )
                    yield line
                if len(buffer) > lim.max_body_bytes:
                    raise _error(
                        413, _("a line over {limit} bytes").format(limit=lim.max_body_bytes)
                    )
            if buffer.strip():
                yield buffer

        async def answer() -> AsyncIterator[bytes]:
            inputs = assessed = rejected = 0
            stream = lines()
            while True:
                try:
                    line = await stream.__anext__()
                except StopAsyncIteration:
                    break
                except _RefusedError as exc:
                    yield _encoded(json.dumps(exc.body, ensure_ascii=False) + "\n")
                    break
                if not line.strip():
                    continue
                if inputs >= lim.max_batch:
                    yield (
                        json.dumps(
                            {
                                "error": _("more than {limit} lines; stopped").format(
                                    limit=lim.max_batch
                                )
                            },
                            ensure_ascii=False,
                        )
                        + "\n"
                    ).encode()
                    break
                inputs += 1
                result = validate_record(line, location=SourceLocation("<body>", inputs))
                if isinstance(result, Accepted):
                    try:
                        text = evaluate(result.order, chosen, instant).model_dump_json()
                    except INPUT_ERRORS as exc:
                        rejected += 1
                        refusal = {"rejected": _refusal(inputs - 1, result.order.id, exc)}
                        yield _encoded(json.dumps(refusal, ensure_ascii=False) + "\n")
                        continue
                    assessed += 1
                    yield _encoded(text + "\n")
                else:
                    rejected += 1
                    payload = {"rejected": _rejection(result, inputs - 1)}
                    yield _encoded(json.dumps(payload, ensure_ascii=False) + "\n")
            counts = {"inputs": inputs, "assessed": assessed, "rejected": rejected}
            yield (json.dumps({"counts": counts}) + "\n").encode()

        return _LineStream(answer(), media_type=_JSONL)

    @app.post("/v1/watch")
    async def watch_list(
        request: Request,
        pack: str | None = None,
        as_of: str | None = None,
        within_hours: float = 24.0,
    ) -> Response:
        """The watch list of a batch of orders at ``as_of`` (required), horizon in hours."""
        chosen = pack_of(pack)
        instant = _instant(as_of, "as_of")
        if instant is None:
            raise _error(422, _("as_of: required (the service reads no clock)"))
        if within_hours < 0:
            raise _error(422, _("within_hours: must not be negative"))
        if not math.isfinite(within_hours) or within_hours * 3600 >= (
            (LATEST - instant).total_seconds()
        ):
            raise _error(
                422, _("within_hours: {value} reaches past 2199").format(value=within_hours)
            )
        records = _order_list(_json(await _body(request, lim)))
        orders = _orders(records, lim)
        _engine_checked(orders, instant, len(records))
        listed = watch(orders, chosen, instant, within=dt.timedelta(hours=within_hours))
        summary = ",".join(s.model_dump_json() for s in listed.summary())
        text = listed.model_dump_json()
        return Response(text[:-1] + ',"summary":[' + summary + "]}", media_type=_JSON)

    @app.post("/v1/score")
    async def score_orders(
        request: Request,
        pack: str | None = None,
        as_of: str | None = None,
        period: str = "month",
    ) -> Response:
        """Each unit's scorecard per period under the pack."""
        chosen = pack_of(pack)
        instant = _instant(as_of, "as_of")
        orders = _orders(_order_list(_json(await _body(request, lim))), lim)
        return Response(
            score(orders, chosen, period=period, as_of=instant).model_dump_json(),
            media_type=_JSON,
        )

    @app.post("/v1/compare")
    async def compare_orders(
        request: Request,
        packs: str | None = None,
        as_of: str | None = None,
        period: str = "month",
    ) -> Response:
        """The same orders under several packs (``packs=a,b``; default: all served)."""
        names = packs.split(",") if packs else sorted(loaded)
        chosen = [pack_of(name) for name in names]
        if len(chosen) < 2:
            raise _error(422, _("packs: name at least two packs"))
        instant = _instant(as_of, "as_of")
        orders = _orders(_order_list(_json(await _body(request, lim))), lim)
        result = compare(orders, chosen, as_of=instant, period=period)
        return Response(result.model_dump_json(), media_type=_JSON)

    return app
