"""ASGI middleware of the service: the bearer token, and each request's language."""

from __future__ import annotations

import hmac
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse

from grievance_rules.i18n import gettext as _
from grievance_rules.i18n import language, language_of

__all__ = ["LANGUAGES", "BearerToken", "RequestLanguage", "accepted_language"]


LANGUAGES = {"zh": "zh-Hans", "en": "en"}
"""The ``lang`` values, and the ``Content-Language`` of the answers in each."""


class BearerToken:
    """ASGI middleware: ``/v1`` requests need ``Authorization: Bearer <token>``.

    The token is compared in constant time (:func:`hmac.compare_digest`); a missing
    or wrong one is a 401 before the request reaches an endpoint.
    """

    def __init__(self, app: Any, secret: bytes) -> None:
        self.app = app
        self.secret = secret

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        """Pass a ``/v1`` request on only with the right token."""
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


class RequestLanguage:
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
        """Answer a ``/v1`` request in its language, or refuse an unknown one (422)."""
        if scope["type"] != "http" or not scope["path"].startswith("/v1"):
            await self.app(scope, receive, send)
            return
        query = parse_qsl(scope.get("query_string", b"").decode("latin-1"))
        asked = [value for key, value in query if key == "lang"]
        # lang=zh, zh-CN, zh-Hans, en, en-US ...; else the first language of
        # Accept-Language that is one of ours; else zh
        chosen = language_of(asked[-1]) or asked[-1] if asked else accepted_language(scope)
        lang = chosen or "zh"
        if lang not in LANGUAGES:
            with language("zh"):
                refusal = JSONResponse(
                    {"error": _("lang: {value} is not zh or en").format(value=repr(lang))},
                    status_code=422,
                )
            await refusal(scope, receive, send)
            return
        header = (b"content-language", LANGUAGES[lang].encode())

        async def labelled(message: Any) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                if all(name.lower() != b"content-language" for name, _value in headers):
                    headers.append(header)
                message = {**message, "headers": headers}
            await send(message)

        with language(lang):
            await self.app(scope, receive, labelled)


def accepted_language(scope: Any) -> str | None:
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
