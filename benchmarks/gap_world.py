"""Generated hubs with known gaps, to measure the opportunities nobody serves yet.

Every hub gets the same scenarios, each with its own material family so that they cannot
serve each other, placed around the hub's centre; hubs lie ~85 km apart, beyond every
service radius, so one hub's capacities never reach another's streams. `copies` repeats
the scenarios with a few km of jitter (a bigger world, the same truth).

    served     workwear stream, a textiles capacity within reach   -> no gap
    served     pallets to repair, a pallets repairer within reach   -> no gap
    material   mattresses: nobody handles them                      -> gap, no near miss
    radius     office furniture, the furniture capacity 70 km away  -> gap, near miss "radius"
    capacity   5 t of glass a month, a glass collector for 200 kg   -> gap, near miss "capacity"
    certificate laptops needing certified wiping, a wiper without it -> gap, "certification"
    service    bicycles to repair, a bicycle collector only         -> gap, near miss "service"
    idle       a plastic crates washer no stream needs               -> idle capacity
    full       a books capacity whose agreement (a stream closed since) takes all its room
                                                                     -> neither gap nor idle

Built through the domain's functions (registration, the review workflow), as users do.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field

import numpy as np
from sqlalchemy.orm import Session

from matchmaker import registration, workflow
from matchmaker.reports.opportunities import Opportunities
from models import Capacity, Stream, User

KM_PER_DEGREE_LAT = 110.57
HUB_SPACING_DEGREES_LON = 1.25
# bpost postcodes of five provinces, so gaps group by region as in the programme
POSTCODES = ("9000", "8000", "2000", "3500", "3000")


@dataclass
class GapWorld:
    """The truth the generator planted."""

    hubs: list[int] = field(default_factory=list)
    # stream id -> the shortfall that makes it a gap ("material": nobody handles it)
    gaps: dict[int, str] = field(default_factory=dict)
    served: set[int] = field(default_factory=set)
    # capacity id -> the one shortfall it was planted with (a stream's first near miss
    # should be such a capacity, planted with the stream's own shortfall; with several hubs
    # or copies the nearest one may be another hub's or copy's)
    near_miss: dict[int, str] = field(default_factory=dict)
    idle: set[int] = field(default_factory=set)
    busy: set[int] = field(default_factory=set)


def _offset(lat: float, lon: float, north_km: float, east_km: float) -> tuple[float, float]:
    return (lat + north_km / KM_PER_DEGREE_LAT,
            lon + east_km / (111.32 * math.cos(math.radians(lat))))


def build(session: Session, hubs: int = 3, copies: int = 1, seed: int = 0) -> GapWorld:
    """Adds the hubs, organisations, streams, capacities and one agreement; the caller
    commits and indexes."""
    rng = np.random.default_rng(seed)
    admin = User(email=f"gap-admin-{seed}@example.org", role="admin")
    session.add(admin)
    session.flush()
    truth = GapWorld()
    for h in range(hubs):
        lat0, lon0 = 50.6 + 0.9 * (h // 4), 2.8 + HUB_SPACING_DEGREES_LON * (h % 4)
        hub = registration.create_hub(session, admin, {"name": f"Gap hub {h + 1}",
                                                       "lat": lat0, "lon": lon0})
        truth.hubs.append(hub.id)
        postcode = POSTCODES[h % len(POSTCODES)]
        for copy in range(copies):
            jitter = rng.uniform(-3, 3, size=2)
            _scenarios(session, admin, hub, truth, postcode, lat0, lon0, jitter, f"{h}.{copy}")
    session.flush()
    return truth


def _scenarios(session: Session, admin: User, hub, truth: GapWorld, postcode: str,
               lat0: float, lon0: float, jitter: np.ndarray, tag: str) -> None:
    def organisation(name: str, kind: str, north: float, east: float):
        lat, lon = _offset(lat0, lon0, north + jitter[0], east + jitter[1])
        org = registration.create_organisation(session, admin, hub, {
            "name": f"{name} {tag}", "kind": kind, "language": "nl", "postcode": postcode,
            "municipality": f"Gemeente {tag}", "lat": lat, "lon": lon})
        # an introduction needs someone to put in touch
        slug = f"{name}-{tag}".lower().replace(" ", "-")
        registration.add_contact(session, admin, org, {
            "name": f"Contact {name} {tag}", "email": f"{slug}@gap-world.example"})
        return org

    def stream(org, title: str, materials, services, kg: float, **extra) -> Stream:
        return registration.create_item(session, admin, Stream, org, {
            "title": title, "materials": materials, "services_wanted": services,
            "quantity_amount": kg, "quantity_unit": "kg", "quantity_per": "month", **extra})

    def capacity(org, title: str, materials, services, kg: float, radius: float,
                 **extra) -> Capacity:
        return registration.create_item(session, admin, Capacity, org, {
            "title": title, "materials": materials, "services": services,
            "capacity_amount": kg, "capacity_unit": "kg", "capacity_per": "month",
            "service_radius_km": radius, **extra})

    company = organisation("Bedrijf", "company", 4, 2)
    enterprise = organisation("Maatwerkbedrijf", "social_enterprise", -3, -2)
    far = organisation("Verre onderneming", "social_enterprise", 70, 0)

    served = [stream(company, "Versleten werkkledij", ["workwear"], ["collection"], 300),
              stream(company, "Kapotte paletten", ["pallets"], ["repair"], 400)]
    truth.served |= {s.id for s in served}
    truth.busy |= {capacity(enterprise, "Textielinzameling en sortering", ["textiles"],
                            ["collection", "sorting"], 5000, 25).id,
                   capacity(enterprise, "Herstel van paletten", ["pallets"],
                            ["repair", "collection"], 2000, 30).id}

    mattresses = stream(company, "Oude matrassen", ["mattresses"], ["collection"], 800)
    truth.gaps[mattresses.id] = "material"

    for title, materials, services, kg, extra, offer, shortfall, where in (
            ("Afgeschreven bureaumeubilair", ["office_furniture"],
             ["collection", "refurbishment"], 500, {},
             ("Meubelherstel", ["furniture"], ["collection", "refurbishment"], 3000, 20, {}),
             "radius", far),
            ("Glasafval van de kantine", ["glass"], ["collection"], 5000, {},
             ("Glasinzameling", ["glass"], ["collection"], 200, 30, {}), "capacity", enterprise),
            ("Afgeschreven laptops", ["ict_equipment"], ["data_wiping"], 300,
             {"requirements": ["certified_data_wiping"]},
             ("Wissen en opknappen van toestellen", ["electronics"],
              ["data_wiping", "refurbishment"], 2000, 30, {}), "certification", enterprise),
            ("Fietsen met pech", ["bicycles"], ["repair"], 200, {},
             ("Fietsen ophalen", ["bicycles"], ["collection"], 1000, 30, {}), "service",
             enterprise)):
        gap = stream(company, title, materials, services, kg, **extra)
        near = capacity(where, *offer[:5], **offer[5])
        truth.gaps[gap.id] = shortfall
        truth.near_miss[near.id] = shortfall
        truth.idle.add(near.id)  # no stream fits it well either

    truth.idle.add(capacity(enterprise, "Wassen van plastic kratten", ["plastic_crates"],
                            ["cleaning"], 1000, 30).id)
    books = capacity(enterprise, "Sorteren van boeken", ["books_media"], ["sorting"], 100, 30)
    sold = stream(company, "Boeken uit de bibliotheek", ["books_media"], ["sorting"], 100)
    session.flush()
    match = workflow.take_suggestion(session, admin, sold, books, 1.0, {}, "generated")
    for status, details in (("accepted", {}), ("introduced", {}), ("agreed", {
            "agreement": workflow.Agreement(1200, dt.date(2026, 1, 1), dt.date(2026, 12, 31),
                                            estimated_fte=0.2)})):
        workflow.decide(session, admin, match, workflow.Transition(status, match.version,
                                                                   **details))
    registration.set_item_status(session, admin, sold, "closed")
    truth.busy.add(books.id)


def score(found: Opportunities, truth: GapWorld) -> dict[str, float | int]:
    """Gaps and idle capacities found and missed, false alarms, and whether each gap's
    first near miss is a partner planted for its kind of gap, lacking just that."""
    unserved = {s.stream_id: s for s in found.unserved}
    gaps, served = set(truth.gaps), truth.served
    near_right = 0
    for stream_id, shortfall in truth.gaps.items():
        entry = unserved.get(stream_id)
        if entry is None:
            continue
        if shortfall == "material":
            near_right += not entry.nearest
        else:
            first = entry.nearest[0] if entry.nearest else None
            near_right += bool(first and truth.near_miss.get(first.item_id) == shortfall
                               and first.shortfalls == (shortfall,))
    idle = {c.capacity_id for c in found.idle}
    return {
        "streams": found.streams_checked, "capacities": found.capacities_checked,
        "gaps_planted": len(gaps), "gaps_found": len(gaps & set(unserved)),
        "gaps_missed": len(gaps - set(unserved)),
        "served_reported_as_gaps": len(served & set(unserved)),
        "near_miss_right": near_right,
        "idle_planted": len(truth.idle), "idle_found": len(truth.idle & idle),
        "idle_missed": len(truth.idle - idle), "busy_reported_idle": len(truth.busy & idle),
    }
