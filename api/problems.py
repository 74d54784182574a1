"""Every error the API returns, as RFC 9457 problem details (application/problem+json).

One handler for everything: HTTP errors raised by Flask or flask-smorest
(webargs' validation errors become a 400 with a message per field), the domain's typed
errors, and anything unexpected (a 500 that never shows a stack trace).
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import marshmallow as ma
from flask import Flask, Response, current_app, json
from sqlalchemy import exc as sa_exc
from werkzeug.exceptions import HTTPException

from matchmaker.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    Unavailable,
    ValidationError,
)

PROBLEM_JSON = "application/problem+json"
# How long a client should wait before retrying while the database cannot be reached.
RETRY_AFTER_SECONDS = 5


class FieldProblemSchema(ma.Schema):
    path = ma.fields.String(required=True, metadata={"description": "field, e.g. `materials.0`"})
    message = ma.fields.String(required=True)


class ProblemSchema(ma.Schema):
    """RFC 9457 problem details, with `errors` per field and `allowed` next states."""

    type = ma.fields.String(required=True)
    title = ma.fields.String(required=True)
    status = ma.fields.Integer(required=True)
    detail = ma.fields.String()
    errors = ma.fields.List(ma.fields.Nested(FieldProblemSchema))
    allowed = ma.fields.List(ma.fields.String())
    existing = ma.fields.Dict(metadata={
        "description": "409: the resource the request collided with (e.g. the match of the "
                       "same pair), as its own endpoint shows it"})


def problem(status: int, title: str, detail: str | None = None, **extra: Any) -> Response:
    body: dict[str, Any] = {"type": "about:blank", "title": title, "status": status}
    if detail:
        body["detail"] = detail
    body.update({k: v for k, v in extra.items() if v is not None})
    return Response(json.dumps(body), status=status, mimetype=PROBLEM_JSON)


def _flatten(messages: Any, prefix: str = "") -> list[dict[str, str]]:
    """{'json': {'title': ['Missing data']}} -> [{'path': 'title', 'message': 'Missing data'}]."""
    if isinstance(messages, dict):
        out: list[dict[str, str]] = []
        for key, value in messages.items():
            out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return [{"path": prefix, "message": m} for m in messages]
    if isinstance(messages, list):
        return [e for m in messages for e in _flatten(m, prefix)]
    return [{"path": prefix, "message": str(messages)}]


def _field_errors(data: dict[str, Any]) -> list[dict[str, str]]:
    messages = data.get("messages") or data.get("errors") or {}
    # The body's fields are named plainly; other locations keep their name (`query.page`).
    body = messages.pop("json", {}) if isinstance(messages, dict) else {}
    return _flatten(body) + _flatten(messages)


def handle_http_exception(error: HTTPException) -> Response:
    data = getattr(error, "data", None) or {}
    if error.code in (400, 422) and ("messages" in data or "errors" in data):
        return problem(400, "Bad Request", "the request has invalid fields",
                       errors=_field_errors(data))
    response = problem(error.code or 500, error.name, data.get("message") or error.description)
    if error.code == 405 and error.valid_methods:
        response.headers["Allow"] = ", ".join(error.valid_methods)
    if error.code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="matchmaker"'
    retry_after = getattr(error, "retry_after", None)
    if isinstance(retry_after, int):
        response.headers["Retry-After"] = str(retry_after)
    return response


# How each kind of resource is shown in a 409's `existing`: registered by the blueprint
# whose endpoint shows it (`show_existing`), so the answer matches that endpoint's.
_EXISTING: dict[type, Callable[[Any], dict[str, Any]]] = {}


def show_existing(model: type, dump: Callable[[Any], dict[str, Any]]) -> None:
    """Show a `Conflict`'s `existing` object of type `model` with `dump`."""
    _EXISTING[model] = dump


def _conflict(error: Conflict) -> Response:
    dump = _EXISTING.get(type(error.existing))
    shown = dump(error.existing) if dump is not None else None
    return problem(409, "Conflict", str(error), allowed=list(error.allowed), existing=shown)


def handle_domain_error(error: Exception) -> Response:
    if isinstance(error, NotFound):
        return problem(404, "Not Found", str(error))
    if isinstance(error, PermissionDenied):
        return problem(403, "Forbidden", str(error), errors=[
            {"path": e.path, "message": e.message} for e in error.errors] or None)
    if isinstance(error, Conflict):
        return _conflict(error)
    if isinstance(error, Unavailable):
        return problem(503, "Service Unavailable", str(error))
    assert isinstance(error, ValidationError)
    return problem(400, "Bad Request", "the request has invalid fields",
                   errors=[{"path": e.path, "message": e.message} for e in error.errors])


def handle_database_unavailable(error: Exception) -> Response:
    """The database went away or is busy (connection lost, pool exhausted, SQLite locked):
    the request's transaction was rolled back, so the client may simply try again."""
    current_app.logger.warning("database unavailable: %s", error)
    response = problem(503, "Service Unavailable",
                       "the database cannot be reached right now; nothing was saved, "
                       "please try again shortly")
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def handle_integrity_error(error: sa_exc.IntegrityError) -> Response:
    """A constraint refused a write that the domain did not expect to collide (it handles
    those it knows with `first_writer_wins`): a change made at the same moment."""
    current_app.logger.warning("write refused by a constraint: %s", error.orig)
    return problem(409, "Conflict", "this conflicts with a change made at the same moment; "
                   "reload and retry")


def handle_unexpected(error: Exception) -> Response:
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if isinstance(error, RecursionError):
        # a body nested thousands of levels deep exhausts the JSON parser's stack
        return problem(400, "Bad Request", "the request body is nested too deeply")
    if isinstance(error, sa_exc.DBAPIError) and error.connection_invalidated:
        return handle_database_unavailable(error)
    current_app.logger.exception("unhandled error", exc_info=error)
    return problem(500, "Internal Server Error", "something went wrong on our side")


def register(app: Flask) -> None:
    """Install the handlers; called after flask-smorest so ours replace its own."""
    app.register_error_handler(HTTPException, handle_http_exception)
    for error in (NotFound, PermissionDenied, Conflict, ValidationError, Unavailable):
        app.register_error_handler(error, handle_domain_error)
    for error in (sa_exc.OperationalError, sa_exc.DisconnectionError, sa_exc.TimeoutError):
        app.register_error_handler(error, handle_database_unavailable)
    app.register_error_handler(sa_exc.IntegrityError, handle_integrity_error)
    app.register_error_handler(Exception, handle_unexpected)
