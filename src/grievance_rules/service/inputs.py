"""What a request brings, read and checked: the body, query values, records and batches.

Every refusal is a :class:`RefusedError` with its status and a JSON body naming what
is wrong (the record, the field, the problem) in the request's language; a batch's
valid records are assessed as the command line assesses a file.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from fastapi import Request
from fastapi.responses import Response, StreamingResponse

from grievance_rules.calendar import SHANGHAI
from grievance_rules.engine import Rejection, RepeatIndex, evaluate, plan_for
from grievance_rules.engine.batch import INPUT_ERRORS
from grievance_rules.engine.duplicates import DuplicateIds
from grievance_rules.engine.matching import check_integers, view_of
from grievance_rules.engine.single import instant_of
from grievance_rules.errors import FactValidationError, HistoryError, NotYetReceivedError
from grievance_rules.i18n import N_, join_list, ngettext
from grievance_rules.i18n import gettext as _
from grievance_rules.model import WorkOrder
from grievance_rules.model.base import EARLIEST, LATEST
from grievance_rules.packs import Pack
from grievance_rules.reading import Accepted, RecordResult, validate_record
from grievance_rules.reading.problems import zone_option_named
from grievance_rules.reading.results import Rejected, SourceLocation

__all__ = [
    "JSONL_TYPE",
    "JSON_TYPE",
    "JsonAnswer",
    "Limits",
    "LineStream",
    "RefusedError",
    "assessed_json",
    "batch_repeats",
    "date_query",
    "instant_query",
    "of_records",
    "order_list",
    "parse_json",
    "read_body",
    "record_result",
    "refusal_of",
    "refused",
    "rejection_of",
    "require_engine_accepts",
    "require_one_of",
    "utf8_json",
    "valid_orders",
    "validate_records",
]


JSON_TYPE = "application/json"


JSONL_TYPE = "application/x-ndjson"


@dataclass(frozen=True)
class Limits:
    """Request limits: larger bodies and batches are refused with 413."""

    max_body_bytes: int = 8 * 1024 * 1024
    """The largest request body (and, for the stream, the longest line)."""
    max_batch: int = 10_000
    """The most orders in one request (the stream: in one request, too)."""


class LineStream(StreamingResponse):
    """A streamed answer that reads the request body while it answers.

    Starlette's own streaming response also listens for the client's disconnect,
    taking the request's remaining body messages; this one leaves them to the
    generator, which reads the body line by line as it answers.
    """

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Send the head, then each chunk as the generator gives it."""
        await send(
            {"type": "http.response.start", "status": self.status_code, "headers": self.raw_headers}
        )
        async for chunk in self.body_iterator:
            data = chunk if isinstance(chunk, bytes) else str(chunk).encode()
            await send({"type": "http.response.body", "body": data, "more_body": True})
        await send({"type": "http.response.body", "body": b"", "more_body": False})


class RefusedError(Exception):
    """A request refused: its HTTP status and the JSON body that says why."""

    def __init__(self, status: int, body: dict[str, Any]) -> None:
        super().__init__(body)
        self.status = status
        self.body = body


def refused(status: int, message: str, **extra: Any) -> RefusedError:
    """The refusal ``{"error": message, ...extra}`` with ``status``."""
    return RefusedError(status, {"error": message, **extra})


def require_json(request: Request) -> None:
    """Refuse (415) a body declared as something other than JSON or JSON Lines.

    A form (``curl --data`` without ``-H 'Content-Type: application/json'``) or plain
    text was read as JSON all the same; a body with no ``Content-Type`` still is.
    """
    declared = request.headers.get("content-type")
    if declared is None:
        return
    media = declared.split(";", 1)[0].strip().lower()
    if media.endswith(("/json", "+json", "/x-ndjson", "/jsonl", "/x-jsonlines")):
        return
    raise refused(
        415,
        _("Content-Type {declared} is not JSON: send {json} (a stream: {jsonl})").format(
            declared=repr(declared), json=JSON_TYPE, jsonl=JSONL_TYPE
        ),
    )


async def read_body(request: Request, limits: Limits) -> bytes:
    """The whole body, declared JSON or undeclared (415 otherwise); 413 over the limit."""
    require_json(request)
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limits.max_body_bytes:
        raise refused(
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
            raise refused(
                413,
                _("body is over the limit of {limit} bytes").format(limit=limits.max_body_bytes),
            )
        chunks.append(chunk)
    return b"".join(chunks)


_JSON_PROBLEMS = {
    "Expecting value": N_("a value was expected"),
    "Expecting property name enclosed in double quotes": N_(
        "a property name in double quotes was expected"
    ),
    "Expecting ':' delimiter": N_("':' was expected"),
    "Expecting ',' delimiter": N_("',' was expected"),
    "Unterminated string starting at": N_("an unclosed string starting"),
    "Invalid control character at": N_("a control character inside a string"),
    "Invalid \\escape": N_("an invalid escape (\\)"),
    "Invalid \\uXXXX escape": N_("an invalid \\uXXXX escape"),
    "Extra data": N_("more text after the JSON value"),
    "Illegal trailing comma before end of object": N_("a comma before the closing bracket"),
    "Illegal trailing comma before end of array": N_("a comma before the closing bracket"),
}
"""What Python's JSON decoder says is wrong, said in the request's language."""


def _json_problem(raw: bytes, exc: ValueError) -> str:
    """Why ``raw`` is not JSON and where (line and column, from 1), in the request's language."""
    if isinstance(exc, json.JSONDecodeError):
        line, column, said = exc.lineno, exc.colno, _JSON_PROBLEMS.get(exc.msg)
    elif isinstance(exc, UnicodeDecodeError) and exc.encoding.replace("_", "-") == "utf-8":
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        start = before.rfind(b"\n") + 1
        column = len(before[start:].decode("utf-8", "replace")) + 1
        said = N_("a byte that is not UTF-8")
    elif "digits" in str(exc):  # a number longer than int() reads (sys.get_int_max_str_digits)
        limit = sys.get_int_max_str_digits()
        return _(
            "body is not JSON this service reads: a number of more than {limit} digits"
        ).format(limit=limit)
    else:
        return _("body is not JSON: {problem}").format(problem=exc)
    if said is None:
        return _("body is not JSON: at line {line}, column {column}").format(
            line=line, column=column
        )
    return _("body is not JSON: {problem} at line {line}, column {column}").format(
        problem=_(said), line=line, column=column
    )


def parse_json(raw: bytes) -> Any:
    """The body as JSON; 400 when it is none, or nested deeper than Python reads.

    Example:
        >>> try:
        ...     parse_json(b'{"id": }')
        ... except RefusedError as exc:
        ...     print(exc.body["error"])
        body is not JSON: a value was expected at line 1, column 8
    """
    try:
        return json.loads(raw)
    except ValueError as exc:  # (UnicodeDecodeError and JSONDecodeError are ValueErrors)
        raise refused(400, _json_problem(raw, exc)) from None
    except RecursionError:
        raise refused(400, _("body is not JSON this service reads: nested too deeply")) from None


def utf8_json(text: str) -> bytes:
    r"""JSON text as UTF-8, a lone surrogate a record brought (``"\ud800"``) escaped again.

    Such a character cannot be written in UTF-8; inside a JSON string its escape
    ``\ud800`` reads back as the same character, so the answer stays JSON.
    """
    return text.encode("utf-8", "backslashreplace")


class JsonAnswer(Response):
    """A JSON answer, written as :func:`utf8_json` writes it."""

    media_type = JSON_TYPE

    def render(self, content: Any) -> bytes:
        """Text as it is, other content as compact JSON; UTF-8 by :func:`utf8_json`."""
        if isinstance(content, bytes):
            return content
        if not isinstance(content, str):
            content = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
        return utf8_json(content)


def instant_query(text: str | None, name: str) -> dt.datetime | None:
    """A query instant: ISO 8601 with an offset (a date alone: 00:00 Shanghai), 1900-2199."""
    if text is None:
        return None
    try:  # a date alone: 00:00 Shanghai, as on the command line (in the range, as any)
        day: dt.date | None = dt.date.fromisoformat(text)
    except ValueError:
        day = None
    try:
        value = (
            dt.datetime.fromisoformat(text)
            if day is None
            else dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)
        )
    except ValueError:
        raise refused(
            422,
            _("{name}: {value} is not an ISO 8601 date-time").format(name=name, value=repr(text)),
        ) from None
    if value.tzinfo is None:
        raise refused(
            422,
            _("{name}: {value} has no UTC offset (add one, e.g. +08:00)").format(
                name=name, value=repr(text)
            ),
        )
    if not EARLIEST <= value < LATEST:
        raise refused(
            422,
            _("{name}: {value} is outside the years 1900-2199").format(name=name, value=repr(text)),
        )
    return value


def require_one_of(name: str, value: str, allowed: Sequence[str]) -> None:
    """Refuse (422) a query value that is not one of ``allowed``, listing them."""
    if value not in allowed:
        raise refused(
            422,
            _("{name}: {value} is not one of {allowed}").format(
                name=name, value=repr(value), allowed=join_list(allowed)
            ),
        )


def date_query(text: str, name: str) -> dt.date:
    """A query date, ``YYYY-MM-DD``; 422 naming the parameter otherwise."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise refused(
            422, _("{name}: {value} is not a date YYYY-MM-DD").format(name=name, value=repr(text))
        ) from None


def rejection_of(result: Rejected, index: int) -> dict[str, Any]:
    """A record the reader rejected, as the answer names it (record, order id, problems)."""
    return {
        "record": index,
        "order_id": result.order_id,
        "problems": [
            {"field": p.field, "problem": p.message, "code": p.code} for p in result.problems
        ],
    }


def record_result(record: Mapping[str, Any] | bytes | str, where: SourceLocation) -> RecordResult:
    """One record validated as the reader validates it.

    A naive timestamp's problem asks for an offset: a record sent here cannot be
    given a zone (no ``--tz`` here, whatever the process that started the service).
    """
    with zone_option_named(None):
        return validate_record(record, location=where)


def validate_records(
    records: Sequence[Any], limits: Limits
) -> tuple[list[WorkOrder], list[dict[str, Any]], list[int]]:
    """The valid orders, each bad record's index, field and problem, and the valid ones' indices."""
    if len(records) > limits.max_batch:
        raise refused(
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
        result = record_result(record, SourceLocation("<body>", index + 1))
        if isinstance(result, Accepted):
            orders.append(result.order)
            indices.append(index)
        else:
            rejected.append(rejection_of(result, index))
    return orders, rejected, indices


def refusal_of(index: int, order_id: str | None, exc: Exception) -> dict[str, Any]:
    """A valid record the engine did not assess, named as a bad record is."""
    field = ""
    if isinstance(exc, FactValidationError):
        field, code = exc.field, "integer_range"
    elif isinstance(exc, HistoryError):
        code = "history"
    elif isinstance(exc, NotYetReceivedError):
        field, code = "received_at", "not_yet_received"
    else:
        code = "not_assessable"
    problem = {"field": field, "problem": str(exc), "code": code}
    return {"record": index, "order_id": order_id, "problems": [problem]}


def require_engine_accepts(
    orders: Sequence[WorkOrder],
    instant: dt.datetime | None,
    count: int,
    *,
    whole: bool = False,
) -> None:
    """Refuse (422) a batch with an order the engine would refuse, naming each such record.

    For the endpoints that need the whole batch and call the engine themselves: an
    event integer wider than 64 bits, as of ``instant``. The watch list (``whole``
    false) leaves out an order received after ``instant`` (nothing of it was open);
    score and compare (``whole``) assess every order, so such an order, or a second
    record of an id, is refused with the rest, as the command line rejects it.
    """
    not_accepted = []
    seen = DuplicateIds("reject")
    for index, order in enumerate(orders):  # (every record valid: index is its own)
        if not whole and instant is not None and order.received_at > instant:
            continue
        try:
            check_integers(view_of(order, instant_of(order, instant)))
        except INPUT_ERRORS as exc:
            not_accepted.append(refusal_of(index, order.id, exc))
            continue
        reason = seen.reason(order.id, index, f"#{index}") if whole else None
        if reason is not None:
            problem = {"field": "id", "problem": reason, "code": "duplicate_id"}
            not_accepted.append({"record": index, "order_id": order.id, "problems": [problem]})
    if not_accepted:
        raise _nothing_computed(not_accepted, count)


def require_all_assessed(rejections: Sequence[Rejection], count: int) -> None:
    """Refuse (422) a score or comparison the engine computed without some of its records.

    :func:`require_engine_accepts` finds before the engine what it refuses of the data
    it is given (an integer too wide, a second record of an id); what else the engine
    refuses of an order (an instant its calendar does not reach, a history it cannot
    follow) it says as it assesses. Such a result is not answered (a scorecard of part
    of the batch); the records are named as :func:`require_engine_accepts` names them.
    """
    if not rejections:
        return
    named = []
    for rejection in rejections:
        source = rejection.source
        record = int(source[1:]) if source.startswith("#") and source[1:].isdigit() else None
        problems = [
            {"field": "", "problem": reason, "code": "not_assessable"}
            for reason in rejection.reasons
        ]
        named.append({"record": record, "order_id": rejection.order_id, "problems": problems})
    raise _nothing_computed(named, count)


def _nothing_computed(named: Sequence[dict[str, Any]], count: int) -> RefusedError:
    """The 422 of a batch with records the engine will not assess: each named, the counts."""
    return refused(
        422,
        _("{bad} of {records} cannot be assessed; nothing computed").format(
            bad=len(named), records=of_records(count)
        ),
        inputs=count,
        valid=count - len(named),
        rejected=len(named),
        rejections=list(named),
    )


def assessed_json(
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
    repeats = batch_repeats(orders, [pack], instant) if batch else None
    seen = DuplicateIds("reject")
    parts: list[str] = []
    not_assessed: list[dict[str, Any]] = []
    for order, index in zip(orders, indices, strict=True):
        try:
            assessment = evaluate(order, pack, instant, repeats=repeats)
        except INPUT_ERRORS as exc:
            not_assessed.append(refusal_of(index, order.id, exc))
            continue
        reason = seen.reason(order.id, index, f"#{index}")
        if reason is not None:
            problem = {"field": "id", "problem": reason, "code": "duplicate_id"}
            not_assessed.append({"record": index, "order_id": order.id, "problems": [problem]})
            continue
        parts.append(assessment.model_dump_json())
    return parts, not_assessed


def batch_repeats(
    orders: Sequence[WorkOrder], packs: Sequence[Pack], instant: dt.datetime | None
) -> RepeatIndex | None:
    """The repeat index of a batch's orders when one of ``packs`` has a repeat rule, else ``None``.

    As the command line indexes a file (``evaluate``, ``score``, ``compare``): the
    first record of each order id, and with ``instant`` only the orders received by
    then, so that daye's 现场督办 counts a complainant's or an issue's orders among
    the batch's.
    """
    if not any(plan_for(pack).repeat_rules for pack in packs):
        return None
    return RepeatIndex.from_inputs(orders, duplicates="reject", as_of=instant)


def of_records(count: int) -> str:
    """``3 records`` (``3 条记录``): the batch a refusal counts its bad records among.

    Example:
        >>> of_records(1), of_records(2)
        ('1 record', '2 records')
    """
    return ngettext("{count} record", "{count} records", count).format(count=count)


def valid_orders(records: Sequence[Any], limits: Limits) -> list[WorkOrder]:
    """Every record valid, or a 422 naming each bad record, field and problem.

    For the endpoints that need the whole batch (watch, score, compare): nothing is
    computed; ``inputs = valid + rejected``.
    """
    orders, rejected, _indices = validate_records(records, limits)
    if rejected:
        raise refused(
            422,
            ngettext(
                "{bad} of {records} is not a valid order; nothing computed",
                "{bad} of {records} are not valid orders; nothing computed",
                len(rejected),
            ).format(bad=len(rejected), records=of_records(len(records))),
            inputs=len(records),
            valid=len(orders),
            rejected=len(rejected),
            rejections=rejected,
        )
    return orders


def order_list(body: Any, key: str = "orders") -> list[Any]:
    """The batch of a body: an array, or an object holding it under ``key``; else 400."""
    if isinstance(body, list):
        return body
    if isinstance(body, dict) and isinstance(body.get(key), list):
        return list(body[key])
    raise refused(
        400,
        _("body must be a JSON array of orders or an object with {key}").format(key=repr(key)),
    )
