"""Streams and capacities: the same endpoints for both, registered twice.

    GET    /api/v1/streams                        list (filters, pages)
    POST   /api/v1/organisations/<id>/streams     register one for an organisation
    GET    /api/v1/streams/<id>
    PATCH  /api/v1/streams/<id>                   If-Match: <version> guards against lost updates
    DELETE /api/v1/streams/<id>
    POST   /api/v1/streams/<id>/status            publish, close, withdraw
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView
from sqlalchemy.orm import selectinload

from api.auth import require_user
from api.db import db_session
from api.listing import contains_text, json_list_has, material_and_narrower, paginate
from api.openapi import Blueprint
from api.schemas import (
    CapacityIn,
    CapacityOut,
    ItemArgs,
    StatusIn,
    StreamIn,
    StreamOut,
    VersionArgs,
    page_of,
)
from api.suggestion_index import index_written
from matchmaker import registration, scoping
from models import Capacity, Organisation, Stream

blp = Blueprint("items", __name__, url_prefix="/api/v1",
                description="Material streams (demand) and capacities (supply).")
blp.before_request(lambda: require_user() and None)


def _filtered(model: type[Stream] | type[Capacity], args: dict[str, Any]) -> sa.Select:
    user = require_user()
    # the organisation comes along in one more query per page, not one per item
    query = (sa.select(model).where(scoping.visible(user, model)).order_by(model.id)
             .options(selectinload(model.organisation)))
    services = model.services_wanted if model is Stream else model.services
    if "hub" in args:
        query = query.where(model.organisation_id.in_(
            sa.select(Organisation.id).where(Organisation.hub_id == args["hub"])))
    if "organisation" in args:
        query = query.where(model.organisation_id == args["organisation"])
    if "material" in args:
        query = query.where(sa.or_(*(json_list_has(model.materials, m)
                                     for m in material_and_narrower(args["material"]))))
    if "service" in args:
        query = query.where(json_list_has(services, args["service"]))
    if "status" in args:
        query = query.where(model.status == args["status"])
    if args.get("q"):
        query = query.where(sa.or_(contains_text(model.title, args["q"]),
                                   contains_text(model.description, args["q"])))
    return query


def _register(model: type[Stream] | type[Capacity], plural: str, schema_in: type,
              schema_out: type) -> None:
    kind = "stream" if model is Stream else "capacity"
    page_schema = page_of(schema_out, f"{schema_out.__name__}Page")

    class Collection(MethodView):
        @blp.arguments(ItemArgs, location="query")
        @blp.response(200, page_schema)
        def get(self, args: dict[str, Any]) -> dict[str, Any]:
            return paginate(db_session(), _filtered(model, args), args["page"], args["page_size"])

    Collection.get.__doc__ = f"List the {plural} you may see."

    class Create(MethodView):
        @blp.arguments(schema_in)
        @blp.response(201, schema_out)
        def post(self, data: dict[str, Any], organisation_id: int) -> Stream | Capacity:
            session, user = db_session(), require_user()
            organisation = scoping.load(session, user, Organisation, organisation_id, manage=True)
            item = registration.create_item(session, user, model, organisation, data)
            session.commit()
            index_written(kind, [item.id])
            return item

    Create.post.__doc__ = f"Register a {kind} for an organisation you manage."

    class One(MethodView):
        @blp.response(200, schema_out)
        def get(self, item_id: int) -> Stream | Capacity:
            return scoping.load(db_session(), require_user(), model, item_id)

        @blp.arguments(schema_in(partial=True))
        @blp.arguments(VersionArgs, location="headers")
        @blp.response(200, schema_out)
        def patch(self, data: dict[str, Any], headers: dict[str, Any],
                  item_id: int) -> Stream | Capacity:
            session, user = db_session(), require_user()
            item = scoping.load(session, user, model, item_id, manage=True)
            registration.update_item(session, user, item, data, headers.get("if_match"))
            session.commit()
            index_written(kind, [item.id])
            return item

        @blp.response(204)
        def delete(self, item_id: int) -> None:
            session, user = db_session(), require_user()
            registration.delete_item(session, user,
                                     scoping.load(session, user, model, item_id, manage=True))
            session.commit()
            index_written(kind, [item_id])

    One.get.__doc__ = f"One {kind}."
    One.patch.__doc__ = f"Change some fields of a {kind}."
    One.delete.__doc__ = f"Delete a {kind} that was never matched."

    class Status(MethodView):
        @blp.arguments(StatusIn)
        @blp.arguments(VersionArgs, location="headers")
        @blp.response(200, schema_out)
        def post(self, data: dict[str, Any], headers: dict[str, Any],
                 item_id: int) -> Stream | Capacity:
            session, user = db_session(), require_user()
            item = scoping.load(session, user, model, item_id, manage=True)
            registration.set_item_status(session, user, item, data["status"],
                                         headers.get("if_match"))
            session.commit()
            index_written(kind, [item.id])
            return item

    Status.post.__doc__ = f"Publish, close or withdraw a {kind}."

    blp.route(f"/{plural}", endpoint=f"{plural}")(Collection)
    blp.route(f"/organisations/<int:organisation_id>/{plural}",
              endpoint=f"organisation_{plural}")(Create)
    blp.route(f"/{plural}/<int:item_id>", endpoint=f"{kind}")(One)
    blp.route(f"/{plural}/<int:item_id>/status", endpoint=f"{kind}_status")(Status)


_register(Stream, "streams", StreamIn, StreamOut)
_register(Capacity, "capacities", CapacityIn, CapacityOut)
