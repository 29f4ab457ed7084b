"""The service's OpenAPI description, with what the raw-body endpoints take and give."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI

from grievance_rules.model import WorkOrder
from grievance_rules.service.inputs import JSON_TYPE, JSONL_TYPE

__all__ = ["ERROR_STATUSES", "REFUSAL_SCHEMA", "openapi_contract"]


REFUSAL_SCHEMA: dict[str, Any] = {
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


LANG_TAGS = ("zh", "en", "zh-CN", "zh-Hans", "en-US", "en-GB")
"""The ``lang`` values the service takes, as the OpenAPI contract lists them."""

ERROR_STATUSES = {
    "400": "the body is not JSON, or not the shape asked for",
    "401": "a token is set and the request has none, or a wrong one",
    "404": "an unknown pack",
    "413": "the body or the batch is over the limits",
    "415": "a body declared as something other than JSON (the stream: JSON Lines)",
    "422": "a bad record (each named), or a bad query value",
}


def openapi_contract(app: FastAPI, *, bearer: bool) -> dict[str, Any]:
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
    schemas["Refusal"] = REFUSAL_SCHEMA
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
            JSON_TYPE,
            # one order, a batch, or a batch wrapped as the other endpoints take it
            {"oneOf": [order, *batch["oneOf"]]},
            JSON_TYPE,
            {"oneOf": [assessment, {"type": "array", "items": assessment}]},
        ),
        "/v1/evaluate/stream": (
            JSONL_TYPE,
            {**order, "description": "one work order per line (JSON Lines)"},
            JSONL_TYPE,
            {
                "description": (
                    "one line per input line (blank lines none): an assessment, or "
                    '{"rejected": {"record" (from 0, as inputs counts), "line" (from 1, '
                    'blank lines counted), "order_id", "problems"}}; '
                    'then {"counts": {"inputs", "assessed", "rejected"}}'
                )
            },
        ),
        "/v1/watch": (
            JSON_TYPE,
            batch,
            JSON_TYPE,
            {
                "allOf": [ref[WatchList]],
                "description": "the watch list, and a 'summary' per unit",
            },
        ),
        "/v1/score": (JSON_TYPE, batch, JSON_TYPE, ref[Scorecard]),
        "/v1/compare": (JSON_TYPE, batch, JSON_TYPE, ref[Comparison]),
    }
    refusal = {"$ref": "#/components/schemas/Refusal"}
    for path, item in spec["paths"].items():
        for operation in item.values():
            if path.startswith("/v1"):
                parameters = operation.setdefault("parameters", [])
                lang = {
                    "name": "lang",
                    "in": "query",
                    "required": False,
                    # (zh-CN, en-US ... are taken as zh and en)
                    "schema": {"type": "string", "enum": list(LANG_TAGS), "default": "zh"},
                    "description": "the language of the answer's messages",
                }
                declared = [p for p in parameters if p.get("name") == "lang"]
                if declared:  # (a handler that declares lang: its schema said no values)
                    declared[0].update(lang)
                else:
                    parameters.append(lang)
                responses = operation.setdefault("responses", {})
                responses.pop("422", None)  # FastAPI's own shape: the service answers its own
                for status, what in ERROR_STATUSES.items():
                    responses[status] = {
                        "description": what,
                        "content": {JSON_TYPE: {"schema": refusal}},
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
