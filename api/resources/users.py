"""Accounts, managed by admins: create facilitators, admins and members, give
facilitators their hubs, switch accounts off."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask.views import MethodView

from api.auth import require_user
from api.db import db_session
from api.listing import paginate
from api.openapi import Blueprint
from api.problems import show_existing
from api.schemas import UserArgs, UserIn, UserOut, UserPatch, page_of
from matchmaker import scoping, users
from matchmaker.errors import NotFound, PermissionDenied
from models import User, user_hubs

blp = Blueprint("users", __name__, url_prefix="/api/v1", description="Accounts (admins).")
# an address that has an account already: admins see which one
show_existing(User, UserOut().dump)


@blp.before_request
def _admins_only() -> None:
    if not scoping.is_admin(require_user()):
        raise PermissionDenied("only admins manage accounts")


@blp.route("/users")
class Users(MethodView):
    @blp.arguments(UserArgs, location="query")
    @blp.response(200, page_of(UserOut, "UserPage"))
    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        """List accounts."""
        query = sa.select(User).order_by(User.id)
        if "role" in args:
            query = query.where(User.role == args["role"])
        if "organisation" in args:
            query = query.where(User.organisation_id == args["organisation"])
        if "hub" in args:
            query = query.where(User.id.in_(sa.select(user_hubs.c.user_id).where(
                user_hubs.c.hub_id == args["hub"])))
        return paginate(db_session(), query, args["page"], args["page_size"])

    @blp.arguments(UserIn)
    @blp.response(201, UserOut)
    def post(self, data: dict[str, Any]) -> User:
        """Create an account with a first password."""
        user = users.create_user(db_session(), require_user(), data)
        db_session().commit()
        return user


@blp.route("/users/<int:user_id>")
class OneUser(MethodView):
    @blp.arguments(UserPatch)
    @blp.response(200, UserOut)
    def patch(self, data: dict[str, Any], user_id: int) -> User:
        """Change a facilitator's hubs, a name or language, or switch an account off."""
        user = db_session().get(User, user_id)
        if user is None:
            raise NotFound(f"user {user_id} not found")
        users.update_user(db_session(), require_user(), user, data)
        db_session().commit()
        return user
