"""`/api/docs`: Swagger UI over our own OpenAPI document, every asset served by the app.

The assets come from the `swagger-ui-bundle` package (Swagger UI 4.15.5); the
page itself and its start-up script are ours, so no inline script is needed
and the app's strict CSP holds. Swagger UI sets inline style attributes while
it renders, so this page alone allows inline styles.
"""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, send_from_directory, url_for

from api.web.security import csrf_token

bp = Blueprint("api_docs", __name__)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Circular matchmaker API</title>
<link rel="icon" href="{icon}" type="image/svg+xml">
<link rel="stylesheet" href="{css}">
</head>
<body>
<div id="swagger-ui" data-spec-url="{spec}" data-csrf-token="{csrf}"></div>
<script src="{bundle}"></script>
<script src="{start}"></script>
</body>
</html>
"""
DOCS_CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")


def _assets() -> Path:
    import swagger_ui_bundle

    return Path(swagger_ui_bundle.swagger_ui_path)


@bp.get("/api/docs")
def page() -> Response:
    html = _PAGE.format(
        icon=url_for("static", filename="favicon.svg"),
        css=url_for("api_docs.asset", name="swagger-ui.css"),
        bundle=url_for("api_docs.asset", name="swagger-ui-bundle.js"),
        start=url_for("static", filename="docs.js"),
        spec="/api/openapi.json",
        # "Try it out" with the session cookie writes like the pages do: with the token
        csrf=csrf_token(),
    )
    response = Response(html, mimetype="text/html")
    response.headers["Content-Security-Policy"] = DOCS_CSP
    return response


@bp.get("/api/docs/assets/<path:name>")
def asset(name: str) -> Response:
    return send_from_directory(_assets(), name, max_age=86400)
