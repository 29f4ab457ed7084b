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
the language of the answer's messages (see :class:`RequestLanguage`).
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import json
import math
from collections.abc import AsyncIterator, Callable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from pydantic import TypeAdapter
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from grievance_rules import __version__
from grievance_rules.calendar import CountingConvention, HalfDayRule
from grievance_rules.engine import evaluate
from grievance_rules.engine.batch import INPUT_ERRORS
from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.errors import GrievanceRulesError
from grievance_rules.i18n import current_language, join_list, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder, work_order_schema
from grievance_rules.model.base import LATEST
from grievance_rules.operations import watch
from grievance_rules.packs import Pack, find_pack
from grievance_rules.packs.readme import render_readme
from grievance_rules.packs.schema import Manifest, Parameter, RuleFile
from grievance_rules.reading import Accepted
from grievance_rules.reading.problems import pydantic_message
from grievance_rules.reading.results import SourceLocation
from grievance_rules.scoring import compare, score
from grievance_rules.service.contract import openapi_contract
from grievance_rules.service.inputs import (
    JSON_TYPE,
    JSONL_TYPE,
    JsonAnswer,
    Limits,
    LineStream,
    RefusedError,
    assessed_json,
    batch_repeats,
    date_query,
    instant_query,
    of_records,
    order_list,
    parse_json,
    read_body,
    record_result,
    refusal_of,
    refused,
    rejection_of,
    require_all_assessed,
    require_engine_accepts,
    require_json,
    require_one_of,
    utf8_json,
    valid_orders,
    validate_records,
)
from grievance_rules.service.middleware import BearerToken, RequestLanguage

__all__ = ["Limits", "create_app"]


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
    # README.md and README.en.md, as the pack's folder has them: each rendered when first
    # asked for (0.4 s a pack and language: six at start-up added 2.5 s before serving)
    readme = functools.cache(lambda name, lang: render_readme(loaded[name], lang))
    for pack in loaded.values():  # compile each pack's rules now, not on the first request
        evaluate(_WARM_UP, pack)
    lim = limits or Limits()
    secret = token.encode() if token else None
    app = FastAPI(
        title="grievance-rules",
        version=__version__,
        description="12345 hotline rules over HTTP: assessments, watch lists, scorecards.",
    )

    evaluating = asyncio.Lock()

    async def computed(work: Callable[[], Response]) -> Response:
        """The answer ``work`` computes, in a worker thread, one request's at a time.

        The event loop stays free meanwhile (``/healthz`` answers during a long batch);
        the lock keeps the documented one evaluation at a time.
        """
        async with evaluating:
            return await run_in_threadpool(work)

    def pack_of(name: str | None) -> Pack:
        if name is None:
            if len(loaded) == 1:
                return next(iter(loaded.values()))
            raise refused(
                422, _("pack: required (one of {packs})").format(packs=join_list(sorted(loaded)))
            )
        pack = loaded.get(name)
        if pack is None:
            raise refused(
                404,
                _("unknown pack {name}; this service has: {packs}").format(
                    name=repr(name), packs=join_list(sorted(loaded))
                ),
            )
        return pack

    @app.exception_handler(RefusedError)
    async def _refused(request: Request, exc: RefusedError) -> Response:
        return JsonAnswer(exc.body, status_code=exc.status)

    @app.exception_handler(GrievanceRulesError)
    async def _library(request: Request, exc: GrievanceRulesError) -> Response:
        return JsonAnswer({"error": str(exc)}, status_code=422)

    @app.exception_handler(ValueError)
    async def _value(request: Request, exc: ValueError) -> Response:
        return JsonAnswer({"error": str(exc)}, status_code=422)

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
        return JsonAnswer({"error": text, "problems": problems}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # (Starlette's own words for a path or method it has no route for: said in the
        # request's language, as every other error)
        said = {
            404: _("no such path: {path}").format(path=request.url.path),
            405: _("{method} is not a method of {path}").format(
                method=request.method, path=request.url.path
            ),
        }.get(exc.status_code, str(exc.detail))
        return JSONResponse({"error": said}, status_code=exc.status_code, headers=exc.headers)

    app.openapi = lambda: openapi_contract(app, bearer=secret is not None)  # type: ignore[method-assign]
    if secret is not None:
        app.add_middleware(BearerToken, secret=secret)
    app.add_middleware(RequestLanguage)  # (added last: outermost, so a refused token is in it too)

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
        return Response(json.dumps(body, ensure_ascii=False), media_type=JSON_TYPE)

    @app.get("/v1/packs/{name}/readme", response_class=PlainTextResponse)
    def pack_readme(name: str) -> PlainTextResponse:
        """The pack's README (Markdown), rendered from its data, in the request's language."""
        pack_of(name)
        lang = "zh" if current_language() == "zh" else "en"
        return PlainTextResponse(readme(name, lang), media_type="text/markdown; charset=utf-8")

    @app.get("/v1/calendar/is-workday")
    def is_workday(date: str, pack: str | None = None) -> dict[str, Any]:
        """Whether a date is a working day under the pack's calendar, and why."""
        info = pack_of(pack).calendar().day_info(date_query(date, "date"))
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
            raise refused(422, _("days: must not be negative"))
        cal = pack_of(pack).calendar()
        result = cal.add_working_days(date_query(date, "date"), days)
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
        count = cal.working_days_between(date_query(start, "start"), date_query(end, "end"))
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
        instant = instant_query(start, "start")
        assert instant is not None
        require_one_of("convention", convention, [c.value for c in CountingConvention])
        if half_day is not None:
            require_one_of("half_day", half_day, [h.value for h in HalfDayRule])
        half = half_day or chosen.manifest.calendar.half_day
        deadline = chosen.calendar().deadline(instant, duration, convention, half_day=half)
        return Response(deadline.model_dump_json(), media_type=JSON_TYPE)

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
        instant = instant_query(as_of, "as_of")
        raw = await read_body(request, lim)

        def work() -> Response:
            body = parse_json(raw)
            wrapped = isinstance(body, dict) and set(body) == {"orders"}
            if wrapped and isinstance(body["orders"], list):
                body = body["orders"]  # a batch wrapped as the other endpoints take it
            single = isinstance(body, dict)
            if single:
                body = [body]
            if not isinstance(body, list):
                raise refused(400, _("body must be an order (object) or a batch of orders (array)"))
            orders, rejected, indices = validate_records(body, lim)
            parts, not_assessed = assessed_json(orders, indices, chosen, instant, batch=not single)
            rejected = sorted([*rejected, *not_assessed], key=lambda r: int(r["record"]))
            if single and not rejected:
                return JsonAnswer(parts[0])
            if not rejected:
                return JsonAnswer("[" + ",".join(parts) + "]")
            # as the CLI: the valid records are assessed, the others named; the counts add up
            headline = (
                ngettext(
                    "{bad} of {records} is not a valid order",
                    "{bad} of {records} are not valid orders",
                    len(rejected),
                )
                if not not_assessed  # every one refused as no valid order
                else _("{bad} of {records} cannot be assessed")
            )
            head = json.dumps(
                {
                    "error": headline.format(bad=len(rejected), records=of_records(len(body))),
                    "inputs": len(body),
                    "assessed": len(parts),
                    "rejected": len(rejected),
                    "rejections": rejected,
                },
                ensure_ascii=False,
            )
            text = head[:-1] + ',"assessments":[' + ",".join(parts) + "]}"
            return JsonAnswer(text, status_code=422)

        return await computed(work)

    @app.post("/v1/evaluate/stream")
    async def evaluate_stream(
        request: Request, pack: str | None = None, as_of: str | None = None
    ) -> StreamingResponse:
        """JSON Lines in, JSON Lines out: one answer per line, then the counts."""
        require_json(request)
        chosen = pack_of(pack)
        instant = instant_query(as_of, "as_of")

        async def lines() -> AsyncIterator[bytes | None]:
            """The body's lines; ``None`` for a line over the limit (its bytes dropped)."""
            limit = lim.max_body_bytes
            buffer = b""
            skipping = False  # inside a line over the limit: dropped to its end
            async for chunk in request.stream():
                buffer += chunk
                while (cut := buffer.find(b"\n")) >= 0:
                    line, buffer = buffer[:cut], buffer[cut + 1 :]
                    if skipping:
                        skipping = False  # (the end of the line over the limit)
                    elif len(line) > limit:
                        yield None
                    else:
                        yield line
                if len(buffer) > limit:
                    if not skipping:
                        yield None
                        skipping = True
                    buffer = b""
            if buffer.strip() and not skipping:
                yield buffer if len(buffer) <= limit else None

        def refusal_line(entry: dict[str, Any], number: int) -> bytes:
            """A ``{"rejected": ...}`` line: ``record`` (from 0), then the ``line`` (from 1)."""
            named = {"record": entry["record"], "line": number, **entry}
            return utf8_json(json.dumps({"rejected": named}, ensure_ascii=False) + "\n")

        async def answer() -> AsyncIterator[bytes]:
            inputs = assessed = rejected = number = 0
            seen = DuplicateIds("reject")  # a second record of an id, as in a batch
            stream = lines()
            while True:
                try:
                    line = await stream.__anext__()
                except StopAsyncIteration:
                    break
                number += 1  # the line's number, blank lines counted
                if line is not None and not line.strip():
                    continue
                inputs += 1
                record = inputs - 1  # the record's position in the stream, from 0
                # the answer has begun (200): a record over a limit is rejected, each one,
                # and the counts still add up (inputs = assessed + rejected)
                over = None
                if line is None:
                    over = (
                        _("a line over {limit} bytes").format(limit=lim.max_body_bytes),
                        "line_too_long",
                    )
                elif record >= lim.max_batch:
                    over = (
                        _("over the limit of {limit} records a request").format(
                            limit=lim.max_batch
                        ),
                        "batch_too_large",
                    )
                if over is not None:
                    rejected += 1
                    problem = {"field": "", "problem": over[0], "code": over[1]}
                    yield refusal_line(
                        {"record": record, "order_id": None, "problems": [problem]}, number
                    )
                    continue
                assert line is not None
                where = SourceLocation("<body>", inputs, line=number)
                result = record_result(line, where)
                if not isinstance(result, Accepted):
                    rejected += 1
                    yield refusal_line(rejection_of(result, record), number)
                    continue
                order = result.order
                try:
                    text = evaluate(order, chosen, instant).model_dump_json()
                except INPUT_ERRORS as exc:
                    rejected += 1
                    yield refusal_line(refusal_of(record, order.id, exc), number)
                    continue
                reason = seen.reason(order.id, record, f"#{record}")
                if reason is not None:
                    rejected += 1
                    problem = {"field": "id", "problem": reason, "code": "duplicate_id"}
                    entry = {"record": record, "order_id": order.id, "problems": [problem]}
                    yield refusal_line(entry, number)
                    continue
                assessed += 1
                yield utf8_json(text + "\n")
            counts = {"inputs": inputs, "assessed": assessed, "rejected": rejected}
            yield (json.dumps({"counts": counts}) + "\n").encode()

        return LineStream(answer(), media_type=JSONL_TYPE)

    @app.post("/v1/watch")
    async def watch_list(
        request: Request,
        pack: str | None = None,
        as_of: str | None = None,
        within_hours: float = 24.0,
    ) -> Response:
        """The watch list of a batch of orders at ``as_of`` (required), horizon in hours."""
        chosen = pack_of(pack)
        instant = instant_query(as_of, "as_of")
        if instant is None:
            raise refused(422, _("as_of: required (the service reads no clock)"))
        if math.isnan(within_hours):  # (it said "nan reaches past 2199")
            raise refused(422, _("within_hours: must be a number of hours"))
        if within_hours < 0:
            raise refused(422, _("within_hours: must not be negative"))
        if not math.isfinite(within_hours) or within_hours * 3600 >= (
            (LATEST - instant).total_seconds()
        ):
            raise refused(
                422, _("within_hours: {value} reaches past 2199").format(value=within_hours)
            )
        raw = await read_body(request, lim)

        def work() -> Response:
            records = order_list(parse_json(raw))
            orders = valid_orders(records, lim)
            require_engine_accepts(orders, instant, len(records))
            listed = watch(orders, chosen, instant, within=dt.timedelta(hours=within_hours))
            summary = ",".join(s.model_dump_json() for s in listed.summary())
            text = listed.model_dump_json()
            return Response(text[:-1] + ',"summary":[' + summary + "]}", media_type=JSON_TYPE)

        return await computed(work)

    @app.post("/v1/score")
    async def score_orders(
        request: Request,
        pack: str | None = None,
        as_of: str | None = None,
        period: str = "month",
    ) -> Response:
        """Each unit's scorecard per period under the pack, as ``grievance-rules score`` gives it.

        The pack's repeat rules (daye's 现场督办) count among the request's orders.
        """
        chosen = pack_of(pack)
        instant = instant_query(as_of, "as_of")
        raw = await read_body(request, lim)

        def work() -> Response:
            records = order_list(parse_json(raw))
            orders = valid_orders(records, lim)
            require_engine_accepts(orders, instant, len(records), whole=True)
            card = score(
                orders,
                chosen,
                period=period,
                as_of=instant,
                repeats=batch_repeats(orders, [chosen], instant),
            )
            require_all_assessed(card.rejections, len(records))
            return Response(card.model_dump_json(), media_type=JSON_TYPE)

        return await computed(work)

    @app.post("/v1/compare")
    async def compare_orders(
        request: Request,
        packs: str | None = None,
        as_of: str | None = None,
        period: str = "month",
    ) -> Response:
        """The same orders under several packs (``packs=a,b``; default: all served).

        As ``grievance-rules compare`` gives it: repeat rules count among the request's orders.
        """
        names = packs.split(",") if packs else sorted(loaded)
        chosen = [pack_of(name) for name in names]
        if len(chosen) < 2:
            raise refused(422, _("packs: name at least two packs"))
        instant = instant_query(as_of, "as_of")
        raw = await read_body(request, lim)

        def work() -> Response:
            records = order_list(parse_json(raw))
            orders = valid_orders(records, lim)
            require_engine_accepts(orders, instant, len(records), whole=True)
            repeats = batch_repeats(orders, chosen, instant)
            result = compare(orders, chosen, as_of=instant, period=period, repeats=repeats)
            require_all_assessed(result.rejections, len(records))
            return Response(result.model_dump_json(), media_type=JSON_TYPE)

        return await computed(work)

    return app
