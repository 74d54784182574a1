"""Locations where they enter: the write rules, imports of postcodes only, the API, the pages'
organisation form, rows stored before (the CLI and the migration) and the engine's distance."""
from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import CliRunner
from sqlalchemy.orm import Session

from matchmaker import registration
from matchmaker.errors import ValidationError
from matchmaker.exchange import import_csv, import_exchange
from matchmaker.exchange.exporter import export_exchange
from matchmaker.places import PlaceError, gazetteer
from matchmaker.places.geocode import place_columns
from models import Capacity, Organisation, Stream, User

GENT = gazetteer().locate("9000", None)


class _Row:
    def __init__(self, **columns: object) -> None:
        self.__dict__.update(columns)


def test_coordinates_given_always_win() -> None:
    values = place_columns({"postcode": "9000", "municipality": "Gent", "lat": 51.1, "lon": 3.8})
    assert (values["lat"], values["lon"], values["location_precision"]) == (51.1, 3.8, "exact")


def test_new_row_with_a_postcode_is_geocoded_and_spelt_right() -> None:
    values = place_columns({"postcode": "9040", "municipality": "sint amandsberg"})
    assert values["location_precision"] == "postcode"
    assert values["municipality"] == "Sint-Amandsberg"
    assert values["lat"] == pytest.approx(51.06, abs=0.01)


def test_a_changed_postcode_moves_the_point_even_from_exact_coordinates() -> None:
    stored = _Row(postcode="9000", municipality="Gent", lat=51.0, lon=3.7,
                  location_precision="exact")
    values = place_columns({"postcode": "2000", "municipality": "Antwerpen"}, stored)
    assert values["location_precision"] == "postcode" and values["lat"] > 51.2


def test_a_write_without_location_leaves_it_alone() -> None:
    stored = _Row(postcode="9000", municipality=None, lat=51.0, lon=3.7,
                  location_precision="exact")
    assert place_columns({"title": "x"}, stored) == {"title": "x"}


def test_emptied_location_removes_the_geocoded_point() -> None:
    stored = _Row(postcode="9000", municipality="Gent", lat=GENT.lat, lon=GENT.lon,
                  location_precision="postcode")
    values = place_columns({"postcode": None, "municipality": None}, stored)
    assert (values["lat"], values["lon"], values["location_precision"]) == (None, None, None)


def test_half_a_coordinate_is_refused_not_dropped() -> None:
    with pytest.raises(ValidationError) as caught:
        place_columns({"lat": 51.0, "postcode": "9000"})
    assert caught.value.errors[0].path == "lon"


def test_unknown_postcode_is_refused_before_anything_changes() -> None:
    with pytest.raises(PlaceError) as caught:
        place_columns({"postcode": "9999"})
    assert caught.value.errors[0].path == "postcode"


# --- through the domain and the database ------------------------------------------------------

def _admin(session: Session) -> User:
    admin = User(email="admin@example.org", role="admin", password_hash="x")
    session.add(admin)
    session.flush()
    return admin


def test_item_without_a_site_follows_its_organisation(session: Session) -> None:
    from matchmaker.catalogue import to_doc

    admin = _admin(session)
    hub = registration.create_hub(session, admin, {"name": "Hub"})
    org = registration.create_organisation(session, admin, hub, {
        "name": "Kledij Gent", "kind": "company", "postcode": "9000"})
    stream = registration.create_item(session, admin, Stream, org, {"title": "Werkkledij"})
    other = registration.create_item(session, admin, Stream, org, {
        "title": "Paletten", "postcode": "9120", "municipality": "Kallo"})
    session.flush()
    assert (stream.lat, org.location_precision) == (None, "postcode")
    assert (to_doc(stream).lat, to_doc(stream).lon) == (org.lat, org.lon)
    registration.update_organisation(session, admin, org, {"postcode": "2000"})
    assert to_doc(stream).lat == gazetteer().locate("2000", None).lat
    assert (other.municipality, other.location_precision) == ("Kallo", "postcode")
    assert to_doc(other).lat == pytest.approx(51.2525)


ORGANISATIONS = (
    "id,name,kind,hub,postcode,municipality\n"
    "org-1,Naaiatelier De Steek vzw,social_enterprise,hub-gent,9000,Gent\n"
    "org-2,Proclean nv,company,hub-gent,9080,Lochristi\n"
    "org-3,Kringwinkel Anvers,social_enterprise,hub-gent,,Anvers\n"
    "org-4,Zorgbedrijf,local_government,hub-gent,9030,\n"
)
HUBS = "id,name,lat,lon\nhub-gent,Circulair Werk(t) Gent,51.054,3.717\n"
CAPACITIES = ("id,organisation,title,postcode,municipality\n"
              "c-1,org-1,Textielsortering,,\nc-2,org-3,Herstel,2100,Deurne\n")


def test_import_of_postcodes_only_geocodes_every_row(session: Session, tmp_path: Path) -> None:
    for name, text in (("hubs", HUBS), ("organisations", ORGANISATIONS),
                       ("capacities", CAPACITIES)):
        (tmp_path / f"{name}.csv").write_text(text, encoding="utf-8")
    import_csv(session, tmp_path)
    orgs = session.scalars(sa.select(Organisation).order_by(Organisation.external_id)).all()
    assert all(o.lat is not None and o.lon is not None for o in orgs)
    assert [o.location_precision for o in orgs] == ["postcode", "postcode", "municipality",
                                                    "postcode"]
    capacities = session.scalars(sa.select(Capacity).order_by(Capacity.external_id)).all()
    assert [(c.postcode, c.lat is not None) for c in capacities] == [(None, False),
                                                                      ("2100", True)]
    # geocoded points are not exported as if they had been given: a round trip stays equal
    again = export_exchange(session)
    assert "lat" not in again["organisations"][0]["location"]
    assert not import_exchange(session, again).changed


def test_unknown_postcode_in_a_csv_names_the_row_and_column(session: Session,
                                                            tmp_path: Path) -> None:
    (tmp_path / "hubs.csv").write_text(HUBS, encoding="utf-8")
    (tmp_path / "organisations.csv").write_text(
        ORGANISATIONS.replace("9080,Lochristi", "9999,Lochristi"), encoding="utf-8")
    with pytest.raises(ValidationError) as caught:
        import_csv(session, tmp_path)
    [error] = caught.value.errors
    assert error.path == "organisations.csv row 3, postcode"
    assert "9999 is not a Belgian postcode; did you mean 9080 Lochristi" in error.message
    assert session.scalar(sa.select(sa.func.count()).select_from(Organisation)) == 0


def test_exchange_errors_name_the_record_and_field(session: Session) -> None:
    data = {"format": "circular-match-exchange/1", "organisations": [
        {"id": "o1", "name": "A", "kind": "company", "location": {"municipality": "Gentbruggeland"}},
        {"id": "o2", "name": "B", "kind": "company",
         "location": {"postcode": "9000", "municipality": "Antwerpen"}},
        {"id": "o3", "name": "C", "kind": "company",   # coordinates win: labels unchecked
         "location": {"postcode": "5611", "municipality": "Eindhoven", "lat": 51.44,
                      "lon": 5.47}}]}
    with pytest.raises(ValidationError) as caught:
        import_exchange(session, copy.deepcopy(data))
    paths = {e.path: e.message for e in caught.value.errors}
    assert set(paths) == {"organisations[0].location.municipality",
                          "organisations[1].location.municipality"}
    assert "did you mean Gentbrugge" in paths["organisations[0].location.municipality"]
    assert "postcode 9000 is not in 'Antwerpen'" in paths["organisations[1].location.municipality"]


# --- the API ----------------------------------------------------------------------------------

def test_api_geocodes_and_refuses_unknown_places(http, world) -> None:
    path = f"/api/v1/organisations/{world.ids['org_co_a']}/streams"
    status, _, body = http.post(path, json={"title": "Paletten", "postcode": "9999"},
                                token=world.tokens["co_a"])
    assert status == 400
    [error] = body["errors"]
    assert error["path"] == "postcode" and "did you mean" in error["message"]
    status, _, stream = http.post(path, json={"title": "Paletten", "postcode": "9030"},
                                  token=world.tokens["co_a"])
    assert status == 201
    assert (stream["location_precision"], stream["municipality"]) == ("postcode", None)
    assert stream["lat"] == pytest.approx(51.0748)
    status, _, org = http.request("PATCH", f"/api/v1/organisations/{world.ids['org_se_a']}",
                                  json={"municipality": "Gand"}, token=world.tokens["fac_a"])
    assert status == 200, org
    assert (org["municipality"], org["location_precision"]) == ("Gand", "municipality")


def test_suggestions_get_a_distance_from_postcodes_alone(http, world) -> None:
    for org, code in (("org_co_a", "9000"), ("org_se_a", "9040")):
        status, _, _ = http.request("PATCH", f"/api/v1/organisations/{world.ids[org]}",
                                    json={"postcode": code}, token=world.tokens["fac_a"])
        assert status == 200
    status, _, body = http.get(f"/api/v1/streams/{world.ids['stream_a']}/suggestions",
                               token=world.tokens["fac_a"])
    assert status == 200
    near = [s for s in body if s["capacity_id"] == world.ids["capacity_a"]]
    assert near and near[0]["features"]["distance_km"] == pytest.approx(2.3, abs=0.5)


# --- pages ------------------------------------------------------------------------------------

def test_organisation_page_saves_the_location_and_explains_mistakes(api_app, world) -> None:
    client = api_app.test_client()
    client.post("/login", data={"email": "co-a@example.org", "password": "correct horse battery",
                                "csrf_token": _csrf(client, "/login")})
    token = _csrf(client, "/my/organisation")
    page = client.post("/my/organisation", data={"csrf_token": token, "postcode": "9000",
                                                 "municipality": "Antwerpen"})
    assert page.status_code == 400
    text = page.get_data(as_text=True)
    assert 'id="municipality-error"' in text and "Postcode 9000 ligt niet in Antwerpen" in text
    assert '<datalist id="municipality-names">' in text and '<option value="Gent">' in text
    saved = client.post("/my/organisation", data={"csrf_token": token, "address": "Kouter 1",
                                                  "postcode": "9000", "municipality": "gent"})
    assert saved.status_code == 302
    again = client.get("/my/organisation").get_data(as_text=True)
    assert "9000 Gent" in again and "± postcodegebied" in again


def _csrf(client, path: str) -> str:
    import re

    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


# --- rows stored before ----------------------------------------------------------------------

def test_geocode_command_places_stored_rows(db_url: str, engine) -> None:
    from api.cli import main

    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO organisations (name, kind, postcode, municipality, status, recognitions,"
            " nace, created_at, updated_at) VALUES ('A', 'company', '3500', 'Hasselt', 'active',"
            " '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP), ('B', 'company', '9999', NULL,"
            " 'active', '[]', '[]', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    result = CliRunner().invoke(main, ["geocode"], env={"DATABASE_URL": db_url})
    assert result.exit_code == 1   # one row could not be placed, and it says which
    assert "organisations: 1 located" in result.output
    assert "9999 is not a Belgian postcode" in result.output
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT name, lat, location_precision FROM organisations ORDER BY name")).all()
    assert rows[0][1] == pytest.approx(50.93, abs=0.02) and rows[0][2] == "postcode"
    assert rows[1][1:] == (None, None)


def test_migration_geocodes_what_was_stored_before(tmp_path: Path) -> None:
    from models import downgrade, make_engine, upgrade

    url = f"sqlite:///{tmp_path / 'old.sqlite'}"
    upgrade(url, "0003")
    engine = make_engine(url)
    with engine.begin() as connection:
        connection.execute(sa.text(
            "INSERT INTO organisations (name, kind, postcode, municipality, lat, lon, status,"
            " recognitions, nace, created_at, updated_at) VALUES"
            " ('A', 'company', '8500', 'Kortrijk', NULL, NULL, 'active', '[]', '[]',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP),"
            " ('B', 'company', '8500', 'Kortrijk', 50.8, 3.2, 'active', '[]', '[]',"
            " CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)"))
    upgrade(url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text(
            "SELECT name, lat, location_precision FROM organisations ORDER BY name")).all()
    engine.dispose()
    assert rows[0][2] == "postcode" and rows[0][1] == pytest.approx(50.83, abs=0.02)
    assert tuple(rows[1][1:]) == (50.8, "exact")
    downgrade(url, "0003")


def test_dev_set_without_coordinates_geocodes_every_organisation() -> None:
    dev = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "data.json"
    if not dev.exists():
        pytest.skip("../shared/eval/dev is not available")
    data = json.loads(dev.read_text(encoding="utf-8"))
    for org in data["organisations"]:
        location = org["location"]
        found = gazetteer().locate(location["postcode"], location["municipality"])
        given = (location["lat"], location["lon"])
        assert abs(found.lat - given[0]) < 0.05 and abs(found.lon - given[1]) < 0.05, org["id"]


def test_invitation_page_places_an_organisation_without_a_location(api_app, world,
                                                                   session_factory) -> None:
    from matchmaker import onboarding

    with session_factory() as session:
        admin = session.get(User, world.ids["user_admin"])
        organisation = session.get(Organisation, world.ids["org_se_b"])
        code = onboarding.invite(session, admin, organisation, "nieuw@example.org").secret
        session.commit()
    client = api_app.test_client()
    form = {"csrf_token": _csrf(client, "/invitation"), "code": code,
            "password": "a long enough password", "postcode": "3000", "municipality": "Gent"}
    refused = client.post("/invitation", data=form)
    assert refused.status_code == 400
    assert "Postcode 3000 ligt niet in Gent" in refused.get_data(as_text=True)
    accepted = client.post("/invitation", data=form | {"municipality": "Louvain"})
    assert accepted.status_code == 302
    with session_factory() as session:
        organisation = session.get(Organisation, world.ids["org_se_b"])
        assert (organisation.postcode, organisation.location_precision) == ("3000", "postcode")
