"""Two requests at the same instant that would write the same unique row: over real HTTP
(a threaded server), several rounds, on SQLite and PostgreSQL, one succeeds and the other
gets a 409 (with the row that won, where the caller may see it), never a 500. Where the
second request would also succeed on its own a moment later (setting a target again,
importing a file again), both succeeding is the other right answer: the two did not meet.

Every unique constraint, unique index and composite primary key of the models is listed
here, either with the race that reaches it from a request or with the reason no request
can: a constraint added to the models without either fails
`test_every_unique_constraint_is_raced_or_unreachable`.
"""
from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import sqlalchemy as sa

from models import Base

# Enough to have both requests of a round inside the window between "does it exist?" and
# the insert at least once: on the code before the fix, the first round of every race
# below already ended in a 500, on SQLite and on PostgreSQL.
ROUNDS = 3
PROBLEM = "application/problem+json"


def unique_keys() -> set[tuple[str, tuple[str, ...]]]:
    """(table, columns) of every unique constraint, unique index and composite key."""
    keys = set()
    for table in Base.metadata.sorted_tables:
        for constraint in table.constraints:
            if isinstance(constraint, sa.UniqueConstraint):
                keys.add((table.name, tuple(c.name for c in constraint.columns)))
        keys |= {(table.name, tuple(c.name for c in index.columns))
                 for index in table.indexes if index.unique}
        primary = tuple(c.name for c in table.primary_key.columns)
        if primary != ("id",) or not table.primary_key.columns["id"].autoincrement:
            keys.add((table.name, primary))
    return keys


UNREACHABLE = {
    ("sign_ins", ("token_hash",)): "a fresh 256-bit random secret per sign-in",
    ("api_tokens", ("token_hash",)): "a fresh 256-bit random secret per token",
    ("invitations", ("token_hash",)): "a fresh 256-bit random secret per invitation",
    ("known_devices", ("token_hash",)): "a fresh 256-bit random secret per browser",
    ("sign_in_links", ("token_hash",)): "a fresh 256-bit random secret per mailed link",
    ("scorer_models", ("version",)): "written by `matchmaker train-scorer` only",
    ("index_version", ("id",)): "the one row is seeded by the migration and only updated",
    ("database_identity", ("id",)):
        "the one row is made by `matchmaker index` (ensure_database_id), which takes the "
        "winner's row when another process made it first; no request writes it",
    ("embeddings", ("item_kind", "item_id", "model")):
        "stored after the request's commit by `index_written`, which leaves a lost race to "
        "the next index refresh; the request's own answer does not depend on it",
}


@dataclass
class Race:
    """Per round: `prepare(api, round)` returns what both requests need; `send(api, http,
    prepared, which)` sends one of the two; `success` is the winner's status."""

    prepare: Callable[[Any, int], Any]
    send: Callable[[Any, Any, Any, int], tuple[int, dict, Any]]
    success: int
    # checks the 409's `existing` against the winner's answer (None: nothing to show)
    existing: Callable[[Any, Any], bool] | None = None
    # the second request succeeds on its own once the first is done (a PUT, a re-import)
    repeatable: bool = False


def _new_stream(api, round_: int) -> int:
    from matchmaker import registration
    from models import Organisation, Stream, User

    with api.session_factory() as session:
        stream = registration.create_item(
            session, session.get(User, api.world.ids["user_admin"]), Stream,
            session.get(Organisation, api.world.ids["org_co_a"]),
            {"title": f"Race stream {round_}", "materials": ["workwear"]})
        session.commit()
        return stream.id


def _take_pair(api, http, stream_id, which):
    return http.post("/api/v1/matches", json={"stream_id": stream_id,
                                              "capacity_id": api.world.ids["capacity_a"]},
                     token=api.world.tokens[("fac_a", "admin")[which]])


def _invitation_code(api, round_: int) -> str:
    from matchmaker import onboarding
    from models import Organisation, User

    with api.session_factory() as session:
        sent = onboarding.invite(session, session.get(User, api.world.ids["user_fac_a"]),
                                 session.get(Organisation, api.world.ids["org_co_a"]),
                                 f"invited-{round_}@example.org")
        session.commit()
        return sent.secret


def _accept(api, http, code, which):
    return http.post("/api/v1/invitations/acceptance", json={
        "token": code, "password": "a long enough secret", "display_name": f"twin {which}"})


def _create_user(api, http, email, which):
    return http.post("/api/v1/users", json={
        "email": email, "password": "a long enough secret", "role": "facilitator",
        "hub_ids": [api.world.ids["hub_a"]]}, token=api.world.tokens["admin"])


def _set_target(api, http, year, which):
    return http.put_json(f"/api/v1/hubs/{api.world.ids['hub_a']}/kpi-targets",
                         json={"year": year, "kpi": "new_assignments", "target": 5 + which},
                         token=api.world.tokens[("fac_a", "admin")[which]])


def _set_programme_target(api, http, year, which):
    return http.put_json("/api/v1/programme-targets",
                         json={"year": year, "kpi": "new_assignments", "target": 5 + which},
                         token=api.world.tokens["admin"])


def _exchange(api, round_: int) -> dict:
    return {"format": "circular-match-exchange/1",
            "hubs": [{"id": f"race-hub-{round_}", "name": f"Race hub {round_}"}],
            "organisations": [{"id": f"race-org-{round_}", "name": f"Race org {round_}",
                               "kind": "company", "hub": f"race-hub-{round_}"}],
            "streams": [{"id": f"race-stream-{round_}", "organisation": f"race-org-{round_}",
                         "title": f"Pallets {round_}"}],
            "capacities": []}


def _import(api, http, document, which):
    return http.post("/api/v1/exchange/import?source=race", json=document,
                     token=api.world.tokens["admin"])


def _new_facilitator(api, round_: int) -> int:
    from matchmaker import users
    from models import User

    with api.session_factory() as session:
        user = users.create_user(session, session.get(User, api.world.ids["user_admin"]), {
            "email": f"hubs-{round_}@example.org", "password": "a long enough secret",
            "role": "facilitator", "hub_ids": [api.world.ids["hub_a"]]})
        session.commit()
        return user.id


def _add_hub(api, http, user_id, which):
    return http.patch(f"/api/v1/users/{user_id}", json={
        "hub_ids": [api.world.ids["hub_a"], api.world.ids["hub_b"]]},
        token=api.world.tokens["admin"])


def _new_activity(api, round_: int) -> int:
    from matchmaker import activities
    from models import Hub, User

    with api.session_factory() as session:
        activity = activities.record_activity(
            session, session.get(User, api.world.ids["user_fac_a"]),
            session.get(Hub, api.world.ids["hub_a"]), "training", dt.date(2026, 3, 1),
            f"Race training {round_}")
        session.commit()
        return activity.id


def _add_participant(api, http, activity_id, which):
    return http.patch(f"/api/v1/activities/{activity_id}", json={
        "organisation_ids": [api.world.ids["org_co_a"]]},
        token=api.world.tokens[("fac_a", "admin")[which]])


RACES: dict[tuple[str, tuple[str, ...]], dict[str, Race]] = {
    ("matches", ("stream_id", "capacity_id")): {
        "take a pair twice": Race(_new_stream, _take_pair, 201,
                                  lambda winner, existing: existing["id"] == winner["id"]),
    },
    ("users", ("email",)): {
        "accept one invitation twice": Race(_invitation_code, _accept, 201),
        "create one account twice": Race(
            lambda api, r: f"twice-{r}@example.org", _create_user, 201,
            lambda winner, existing: existing["id"] == winner["id"]),
    },
    ("kpi_targets", ("hub_id", "year", "kpi")): {
        "set a new target twice": Race(lambda api, r: 2030 + r, _set_target, 200,
                                       lambda winner, existing: existing == winner,
                                       repeatable=True),
    },
    ("programme_targets", ("year", "kpi")): {
        "set a new programme target twice": Race(
            lambda api, r: 2040 + r, _set_programme_target, 200,
            lambda winner, existing: existing == winner, repeatable=True),
    },
    ("user_hubs", ("user_id", "hub_id")): {
        "give a facilitator a hub twice": Race(_new_facilitator, _add_hub, 200,
                                               lambda winner, existing: existing == winner,
                                               repeatable=True),
    },
    ("activity_organisations", ("activity_id", "organisation_id")): {
        "add a participant twice": Race(_new_activity, _add_participant, 200,
                                        lambda winner, existing: existing == winner,
                                        repeatable=True),
    },
    **{(table, ("source", "external_id")): {
        "import one new document twice": Race(_exchange, _import, 200, repeatable=True)}
       for table in ("hubs", "organisations", "streams", "capacities")},
}


def test_every_unique_constraint_is_raced_or_unreachable() -> None:
    assert unique_keys() == set(RACES) | set(UNREACHABLE)


def _at_once(api, race: Race, prepared) -> list[tuple[int, dict, Any]]:
    clients = [api.http(), api.http()]
    barrier = threading.Barrier(2)
    answers: list = [None, None]

    def send(which: int) -> None:
        barrier.wait()
        answers[which] = race.send(api, clients[which], prepared, which)

    threads = [threading.Thread(target=send, args=(which,)) for which in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


# the import race shares the key of four tables: it runs once, for the hubs
CASES = [(key, name) for key, races in RACES.items() for name in races
         if key[1] != ("source", "external_id") or key[0] == "hubs"]


@pytest.mark.parametrize(("key", "name"), CASES, ids=[name for _, name in CASES])
def test_two_requests_at_once_one_succeeds_the_other_gets_409(shared_api, key, name) -> None:
    race = RACES[key][name]
    for round_ in range(ROUNDS):
        answers = _at_once(shared_api, race, race.prepare(shared_api, round_))
        statuses = sorted(status for status, _, _ in answers)
        if race.repeatable and statuses == [race.success] * 2:
            continue  # one after the other, as if sent a moment apart
        assert statuses == sorted([race.success, 409]), (round_, answers)
        [(_, _, won)] = [a for a in answers if a[0] == race.success]
        [(_, headers, problem)] = [a for a in answers if a[0] == 409]
        assert headers["Content-Type"] == PROBLEM and problem["status"] == 409, problem
        if race.existing is not None:
            assert race.existing(won, problem["existing"]), (won, problem)
