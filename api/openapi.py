"""The flask-smorest Api: versioned under /api/v1, its OpenAPI document at
/api/openapi.json, error responses documented as problem details."""
from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from flask_smorest.spec.plugins import integerconverter2paramschema
from webargs.flaskparser import FlaskParser
from werkzeug.routing import IntegerConverter

from api.problems import PROBLEM_JSON, ProblemSchema
from api.schemas.common import MAX_ID

API_CONFIG = {
    "API_TITLE": "Circular matchmaker",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api",
    "OPENAPI_JSON_PATH": "openapi.json",
    # Off: both would load their scripts from a CDN; /api/docs is served by `api.docs`.
    "OPENAPI_SWAGGER_UI_PATH": None,
    "OPENAPI_REDOC_PATH": None,
}

SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "an API token from POST /api/v1/tokens"},
    "session": {"type": "apiKey", "in": "cookie", "name": "session",
                "description": "the cookie set by POST /api/v1/session"},
}


class MatchmakerApi(Api):
    ERROR_SCHEMA = ProblemSchema

    def _register_responses(self) -> None:
        # Error responses are documented with the media type they are sent with.
        self.DEFAULT_RESPONSE_CONTENT_TYPE = PROBLEM_JSON
        try:
            super()._register_responses()
        finally:
            del self.DEFAULT_RESPONSE_CONTENT_TYPE


class _Parser(FlaskParser):
    # Invalid input is a 400 with per-field messages, not webargs' 422.
    DEFAULT_VALIDATION_STATUS = 400


class Blueprint(SmorestBlueprint):
    """A flask-smorest blueprint whose argument errors are 400s."""

    ARGUMENTS_PARSER = _Parser()


def _schema_name(schema: Any) -> str:
    # `StreamIn(partial=True)` (PATCH bodies) is a schema of its own in the document.
    return resolver(schema) + ("Patch" if getattr(schema, "partial", False) else "")


class IdConverter(IntegerConverter):
    """`<int:...>` in every route: a positive id the database can hold.

    A larger number would reach the database and fail there (a 500); out of range it
    matches no route and answers 404 like any id the caller cannot see.
    """

    def __init__(self, map, fixed_digits: int = 0, min: int | None = 1,  # noqa: A002
                 max: int | None = MAX_ID, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def make_api(app: Flask) -> MatchmakerApi:
    # before any route is added, so the API's and the pages' routes all get it
    app.url_map.converters["int"] = IdConverter
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": SECURITY_SCHEMES},
        "security": [{"bearer": []}, {"session": []}],
    })
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    api = MatchmakerApi(app, spec_kwargs={"marshmallow_plugin": plugin})
    api.register_converter(IdConverter, integerconverter2paramschema)
    return api
