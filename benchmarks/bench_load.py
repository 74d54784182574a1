"""Load benchmark: the service under gunicorn, driven by a bounded client loop.

Generates a realistic data set (organisations, streams, capacities across hubs in
Dutch, French and English), imports it with `matchmaker import`, serves the app
with gunicorn on 127.0.0.1, and runs a separate client process: N concurrent
clients for S seconds mixing reads, suggestions, registrations and decisions.
Prints requests/s, p50/p95/p99 per request type and the errors; the last line is
one JSON object.

    python benchmarks/bench_load.py                        # SQLite, full size, 50 x 60 s
    python benchmarks/bench_load.py --database postgresql  # on TEST_DATABASE_URL
    python benchmarks/bench_load.py --smoke                # small data, 4 clients, 5 s
"""
from __future__ import annotations

import random
from typing import Any

# Centres of the hubs (lat, lon) and the language spoken there.
HUBS = (
    ("hub-gent", "Circulair Werk(t) Gent", 51.054, 3.717, "nl"),
    ("hub-antwerpen", "Circulair Werk(t) Antwerpen", 51.219, 4.402, "nl"),
    ("hub-limburg", "Circulair Werk(t) Limburg", 50.930, 5.338, "nl"),
    ("hub-brussel", "Circulair Werk(t) Brussel", 50.846, 4.352, "fr"),
    ("hub-kortrijk", "Circulair Werk(t) Zuid-West-Vlaanderen", 50.828, 3.265, "nl"),
)
# material id, ewc code, words per language
MATERIALS = (
    ("workwear", "20 01 10", {"nl": "gebruikte werkkledij", "fr": "vêtements de travail usagés",
                              "en": "used workwear"}),
    ("ict_equipment", "20 01 35*", {"nl": "afgeschreven laptops", "fr": "ordinateurs portables",
                                    "en": "written-off laptops"}),
    ("pallets", "15 01 03", {"nl": "houten paletten", "fr": "palettes en bois",
                             "en": "wooden pallets"}),
    ("food_surplus", "02 03 04", {"nl": "voedseloverschotten", "fr": "surplus alimentaires",
                                  "en": "food surplus"}),
    ("office_furniture", "20 03 07", {"nl": "kantoormeubilair", "fr": "mobilier de bureau",
                                      "en": "office furniture"}),
    ("bicycles", "", {"nl": "oude fietsen", "fr": "vieux vélos", "en": "old bicycles"}),
    ("banners_pvc", "", {"nl": "pvc-spandoeken", "fr": "bâches en pvc", "en": "pvc banners"}),
    ("coffee_grounds", "", {"nl": "koffiedik", "fr": "marc de café", "en": "coffee grounds"}),
)
SERVICES = ("collection", "sorting", "repair", "refurbishment", "dismantling", "data_wiping",
            "resale", "upcycling", "redistribution", "logistics")
STREAM_TEXT = {
    "nl": "Wij hebben elk jaar {amount} {unit} {what}. Wie kan dit ophalen en hergebruiken?",
    "fr": "Nous avons chaque année {amount} {unit} de {what}. Qui peut les reprendre ?",
    "en": "Every year we have {amount} {unit} of {what}. Who can collect and reuse them?",
}
CAPACITY_TEXT = {
    "nl": "Ons team verwerkt {what}: {services}. Ophaling in de regio.",
    "fr": "Notre équipe traite {what} : {services}. Collecte dans la région.",
    "en": "Our team handles {what}: {services}. Collection in the region.",
}


def generate_exchange(organisations: int, streams: int, capacities: int,
                      seed: int = 7) -> dict[str, Any]:
    """An exchange document of the given size, with free text in the hubs' languages."""
    rng = random.Random(seed)
    doc: dict[str, Any] = {"format": "circular-match-exchange/1", "hubs": [
        {"id": hub_id, "name": name, "location": {"lat": lat, "lon": lon}}
        for hub_id, name, lat, lon, _ in HUBS], "organisations": [], "streams": [],
        "capacities": []}
    # Roughly a third of the organisations are social enterprises.
    enterprises, companies = [], []
    for i in range(organisations):
        hub_id, _, lat, lon, language = HUBS[i % len(HUBS)]
        social = i % 3 == 0
        org_id = f"org-{i:05d}"
        (enterprises if social else companies).append((org_id, language))
        doc["organisations"].append({
            "id": org_id, "kind": "social_enterprise" if social else "company",
            "name": f"{'Atelier' if social else 'Bedrijf'} {i} {rng.choice(['vzw', 'nv', 'bv'])}",
            "hub": hub_id, "language": language,
            "recognitions": ["maatwerkbedrijf"] if social else [],
            "location": {"lat": round(lat + rng.uniform(-0.2, 0.2), 4),
                         "lon": round(lon + rng.uniform(-0.3, 0.3), 4)},
            "contact": {"name": f"Contact {i}", "email": f"contact{i}@org{i}.example"}})
    for i in range(streams):
        org_id, language = companies[i % len(companies)]
        material, ewc, words = rng.choice(MATERIALS)
        amount, unit = rng.choice(((2, "t"), (300, "kg"), (50, "units"), (12, "m3")))
        doc["streams"].append({
            "id": f"s-{i:06d}", "organisation": org_id, "language": language,
            "title": words[language].capitalize(),
            "description": STREAM_TEXT[language].format(amount=amount, unit=unit,
                                                        what=words[language]),
            # Half the streams come as free text only, as most forms are filled in.
            **({"materials": [material], "services_wanted": rng.sample(SERVICES, 2),
                "quantity": {"amount": amount, "unit": unit, "per": "year"}}
               if i % 2 else {}),
            **({"ewc_codes": [ewc]} if ewc and i % 4 == 1 else {})})
    for i in range(capacities):
        org_id, language = enterprises[i % len(enterprises)]
        material, _, words = rng.choice(MATERIALS)
        services = rng.sample(SERVICES, 3)
        doc["capacities"].append({
            "id": f"c-{i:06d}", "organisation": org_id, "language": language,
            "title": f"{words[language].capitalize()}: {services[0]}",
            "description": CAPACITY_TEXT[language].format(what=words[language],
                                                          services=", ".join(services)),
            "services": services, "materials": [material],
            "capacity": {"amount": rng.choice((1, 5, 20)), "unit": "t", "per": "month"},
            "service_radius_km": rng.choice((20, 40, 80)), "target_group_fte": rng.randint(2, 60)})
    return doc
