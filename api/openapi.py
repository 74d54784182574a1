"""The flask-smorest Api: versioned under /api/v1, its OpenAPI document at
/api/openapi.json, error responses documented as problem details."""
from __future__ import annotations

from typing import Any

from apispec.ext.marshmallow import MarshmallowPlugin, resolver
from flask import Flask
from flask_smorest import Api
from flask_smorest import Blueprint as SmorestBlueprint
from webargs.flaskparser import FlaskParser

from api.problems import PROBLEM_JSON, ProblemSchema

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


def make_api(app: Flask) -> MatchmakerApi:
    for key, value in API_CONFIG.items():
        app.config.setdefault(key, value)
    app.config.setdefault("API_SPEC_OPTIONS", {
        "components": {"securitySchemes": SECURITY_SCHEMES},
        "security": [{"bearer": []}, {"session": []}],
    })
    plugin = MarshmallowPlugin(schema_name_resolver=_schema_name)
    return MatchmakerApi(app, spec_kwargs={"marshmallow_plugin": plugin})
