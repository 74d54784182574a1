"""Liveness and readiness probes for load balancers and `make demo`."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """The process is up; says nothing about its dependencies."""
    return jsonify(status="ok")


@bp.get("/readyz")
def readyz():
    """Ready when the database answers and the suggestion index is loaded."""
    checks: dict[str, str] = {}
    try:
        with current_app.extensions["matchmaker.engine"].connect() as conn:
            conn.execute(text("SELECT 1"))
        checks["database"] = "ok"
    except Exception as err:  # noqa: BLE001 - any failure means "not ready"
        checks["database"] = f"unavailable: {type(err).__name__}"
    index = current_app.extensions.get("matchmaker.index")
    checks["index"] = "ok" if index is not None and index.loaded else "loading"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), (200 if ready else 503)
