"""Liveness and readiness probes for load balancers and `make demo`."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from api.suggestion_index import warm_up

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
    if checks["database"] == "ok":
        try:
            # Loading here means a load balancer's first probe warms the worker up.
            warm_up()
            checks["index"] = "ok"
        except Exception as err:  # noqa: BLE001 - any failure means "not ready"
            current_app.logger.exception("suggestion index could not be loaded")
            checks["index"] = f"unavailable: {type(err).__name__}"
    else:
        checks["index"] = "waiting for the database"
    ready = all(v == "ok" for v in checks.values())
    return jsonify(status="ok" if ready else "unavailable", checks=checks), (200 if ready else 503)
