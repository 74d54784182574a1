"""The Flask app factory: configuration, database session per request, the API's blueprints."""
from __future__ import annotations

from typing import Any

from flask import Flask, g
from werkzeug.middleware.proxy_fix import ProxyFix

from matchmaker.config import Settings
from matchmaker.mail import Mailer
from models.db import make_engine, make_session_factory


def create_app(settings: Settings | None = None, config: dict[str, Any] | None = None) -> Flask:
    """Build an app for `settings` (default: from the environment); no global app object."""
    settings = settings or Settings.from_env()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=settings.ensure_secret_key(),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        SESSION_COOKIE_HTTPONLY=True,
        # Lax keeps the cookie off cross-site POSTs; JSON bodies need a CORS preflight anyway.
        SESSION_COOKIE_SAMESITE="Lax",
    )
    if config:
        app.config.update(config)
    app.extensions["matchmaker.settings"] = settings
    engine = make_engine(settings.database_url)
    app.extensions["matchmaker.engine"] = engine
    app.extensions["matchmaker.sessions"] = make_session_factory(engine)
    app.extensions["matchmaker.mailer"] = Mailer(settings, resume=True)
    if settings.trusted_proxies:
        # Behind nginx or a load balancer: the client's address and scheme come from the
        # X-Forwarded-* headers of that many proxies (rate limits count per client address).
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n, x_host=n)  # type: ignore[method-assign]

    @app.teardown_appcontext
    def _close_session(exc: BaseException | None) -> None:
        # One session per request: committed by the view that writes, rolled back on error.
        session = g.pop("db", None)
        if session is not None:
            if exc is not None:
                session.rollback()
            session.close()

    from api import auth, docs, health, problems, suggestion_index, throttle
    from api.openapi import make_api
    from api.resources import (
        exchange,
        hubwork,
        items,
        matches,
        onboarding,
        organisations,
        personal,
        reports,
        suggestions,
        users,
    )

    throttle.install(app)
    suggestion_index.install(app)
    app.register_blueprint(health.bp)
    app.register_blueprint(docs.bp)
    api = make_api(app)
    for blueprint in (auth.blp, organisations.blp, items.blp, matches.blp, hubwork.blp,
                      personal.blp, onboarding.blp, suggestions.blp, exchange.blp, users.blp,
                      reports.blp):
        api.register_blueprint(blueprint)
    problems.register(app)
    from api import web

    web.install(app)
    return app
