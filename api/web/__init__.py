"""The web pages for facilitators, companies and social enterprises (server-rendered).

`install(app)` adds the language selection, the security defaults and the pages'
blueprint; the views call the same domain functions as the JSON API.
"""
from __future__ import annotations

from flask import Flask

from api.web import i18n, labels, places, security
from api.web.security import csrf_token


def install(app: Flask) -> None:
    # imported here: `api.auth` imports `api.web.security`, which loads this package first
    from api.auth import current_user
    from api.web import (  # noqa: F401  (the views register on bp)
        account,
        activities,
        common,
        contacts,
        hubs,
        items,
        maps,
        onboarding,
        parties,
        programme,
        reports,
        review,
    )

    i18n.install(app)
    labels.install(app)
    places.install(app)
    security.install(app)
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.jinja_env.globals["current_user"] = current_user
    app.jinja_env.globals["languages"] = i18n.LANGUAGE_NAMES
    app.jinja_env.globals["pending_registrations"] = onboarding.pending_registrations
    app.register_blueprint(common.bp)
