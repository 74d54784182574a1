"""Import and export of the exchange format `circular-match-exchange/1`.

Importing writes into any hub, so it is for admins; facilitators export their
own hubs (with contacts only when asked, and only of those hubs).
"""
from __future__ import annotations

from dataclasses import asdict
from typing import Any

from flask import request
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.openapi import Blueprint
from api.schemas import ExchangeDocument, ExportArgs, ImportArgs, ImportReportOut
from matchmaker import audit, scoping
from matchmaker.errors import PermissionDenied
from matchmaker.exchange import export_exchange, import_exchange

blp = Blueprint("exchange", __name__, url_prefix="/api/v1",
                description="Import and export of the exchange format.")
blp.before_request(lambda: require_user() and None)

# Whole-region files are larger than the 2 MB any other request may send.
MAX_IMPORT_BYTES = 64 * 1024 * 1024


@blp.route("/exchange/import")
class Import(MethodView):
    @blp.arguments(ImportArgs, location="query")
    @blp.response(200, ImportReportOut)
    @blp.doc(requestBody={"required": True, "content": {"application/json": {
        "schema": ExchangeDocument}}})
    def post(self, args: dict[str, Any]) -> dict[str, Any]:
        """Import a document, all or nothing; importing it again changes nothing."""
        user = require_user()
        if not scoping.is_admin(user):
            raise PermissionDenied("only admins import exchange documents")
        request.max_content_length = MAX_IMPORT_BYTES
        document = request.get_json()
        session = db_session()
        report = import_exchange(session, document, args["source"])
        counts = asdict(report)
        audit.record_event(session, user, "import", "exchange",
                           {"source": args["source"], **counts})
        session.commit()
        return counts


@blp.route("/exchange/export")
class Export(MethodView):
    @blp.arguments(ExportArgs, location="query")
    @blp.response(200, description="a `circular-match-exchange/1` document")
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """The published data of the hubs you facilitate (admins: all) as one document."""
        user = require_user()
        hub_ids = args.get("hub")
        if not scoping.is_admin(user):
            own = scoping.hub_ids(user)
            if user.role != "facilitator" or (hub_ids and not set(hub_ids) <= set(own)):
                raise PermissionDenied("facilitators export their own hubs only")
            hub_ids = hub_ids or own
        return export_exchange(db_session(), hub_ids, include_contacts=args["contacts"])
