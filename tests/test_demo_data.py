"""The bundled demo data set: valid, importable, plausible, and with something to match."""
from __future__ import annotations

from collections import Counter

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker import taxonomy
from matchmaker.demo import load_demo
from matchmaker.exchange import import_exchange, validate
from matchmaker.exchange.validation import enterprise_number_problem
from models import Capacity, Contact, Stream

DEMO = load_demo()


def covers(offered: str, wanted: str) -> bool:
    """A material offered covers the one wanted when it is the same or an ancestor."""
    while wanted:
        if wanted == offered:
            return True
        wanted = taxonomy.MATERIAL_PARENT[wanted] or ""
    return False


def test_demo_data_validates() -> None:
    assert validate(DEMO) == []


def test_demo_data_has_three_hubs_and_realistic_volumes() -> None:
    assert [h["id"] for h in DEMO["hubs"]] == ["hub-gent", "hub-antwerpen", "hub-kempen"]
    assert 25 <= len(DEMO["organisations"]) <= 40
    assert 20 <= len(DEMO["streams"]) <= 35 and 15 <= len(DEMO["capacities"]) <= 30
    kinds = Counter(o["kind"] for o in DEMO["organisations"])
    assert kinds["company"] and kinds["social_enterprise"] and kinds["local_government"]
    languages = Counter(r.get("language") for r in DEMO["streams"] + DEMO["capacities"])
    assert languages["nl"] > languages["fr"] > 0 and languages["en"] > 0


def test_demo_organisations_are_in_flanders_with_valid_numbers_and_fake_contacts() -> None:
    for org in DEMO["organisations"]:
        location = org["location"]
        assert 50.6 < location["lat"] < 51.6 and 2.5 < location["lon"] < 5.95, org["id"]
        if "enterprise_number" in org:
            assert enterprise_number_problem(org["enterprise_number"]) is None
        assert org["contact"]["email"].endswith(".example")


def test_demo_has_free_text_only_items() -> None:
    bare = [r for r in DEMO["streams"] + DEMO["capacities"]
            if not {"materials", "services", "services_wanted"} & r.keys()]
    assert len(bare) >= 4


def test_every_structured_demo_stream_has_a_capacity_for_it() -> None:
    capacities = [c for c in DEMO["capacities"] if "services" in c]
    for stream in DEMO["streams"]:
        if "materials" not in stream:
            continue
        fitting = [c for c in capacities
                   if any(covers(o, w) for o in c.get("materials", []) for w in stream["materials"])
                   and set(stream.get("services_wanted", [])) & set(c["services"])]
        assert fitting, stream["id"]


def test_demo_data_imports(session: Session) -> None:
    report = import_exchange(session, DEMO, source="demo")
    assert report.streams.created == len(DEMO["streams"])
    assert session.scalar(sa.select(sa.func.count()).select_from(Capacity)) == len(
        DEMO["capacities"])
    assert session.scalar(sa.select(sa.func.count()).select_from(Contact)) == len(
        DEMO["organisations"])
    assert session.scalar(sa.select(sa.func.count()).select_from(Stream).where(
        Stream.title == "")) == sum("title" not in s for s in DEMO["streams"])
