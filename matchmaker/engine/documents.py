"""The engine's view of a stream and a capacity: plain dataclasses, what was
entered versus inferred, and the text each one is embedded with.

`enrich` fills only EMPTY structured fields from `matchmaker.analysis.analyse`
and records each filled field with the confidence of its inference in
`inferred`, so a facilitator (and the scorer) can tell a user's word from a
guess. A field the user filled in is never touched.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from matchmaker import taxonomy

# Below this confidence an inferred material or service is more noise than signal
# (measured with benchmarks/eval_engine.py: lower thresholds add wrong blocks).
MIN_INFERRED_CONFIDENCE = 0.5


@dataclass
class StreamDoc:
    """A material stream (demand side); `services` are the services wanted."""

    id: str
    organisation_id: str
    organisation_name: str = ""
    hub_id: str | None = None
    title: str = ""
    description: str = ""
    language: str | None = None
    materials: tuple[str, ...] = ()
    ewc_codes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    quantity_amount: float | None = None
    quantity_unit: str | None = None
    quantity_per: str | None = None
    lat: float | None = None
    lon: float | None = None
    requirements: tuple[str, ...] = ()
    available_from: date | None = None
    available_until: date | None = None
    status: str = "open"
    # field name -> confidence of the value `enrich` put there (absent = entered)
    inferred: dict[str, float] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "stream"


@dataclass
class CapacityDoc:
    """A capacity (supply side); `services` are the services offered and the
    quantity is how much it can take on."""

    id: str
    organisation_id: str
    organisation_name: str = ""
    hub_id: str | None = None
    title: str = ""
    description: str = ""
    language: str | None = None
    materials: tuple[str, ...] = ()
    ewc_codes: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    quantity_amount: float | None = None
    quantity_unit: str | None = None
    quantity_per: str | None = None
    lat: float | None = None
    lon: float | None = None
    certifications: tuple[str, ...] = ()
    service_radius_km: float | None = None
    target_group_fte: float | None = None
    available_from: date | None = None
    available_until: date | None = None
    status: str = "open"
    inferred: dict[str, float] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        return "capacity"


Doc = StreamDoc | CapacityDoc


def kg_per_month(doc: Doc) -> float | None:
    """The doc's quantity as kg per month (a one-off batch counts within one month)."""
    return taxonomy.to_kg_per_month(
        doc.quantity_amount, doc.quantity_unit, doc.quantity_per, doc.materials
    )


def join_text(title: str, description: str) -> str:
    return ". ".join(part for part in (title, description) if part)


def text_of(doc: Doc) -> str:
    """Free text only: title and description."""
    return join_text(doc.title, doc.description)


def embed_text(doc: Doc) -> str:
    """The text a doc is embedded and lexically indexed with: title and description.

    Measured on the dev set (docs/quality.md): appending the labels of the
    doc's materials and services, or its organisation's name, does not help
    (nDCG@10 0.942 and 0.939 against 0.945): the structured features already
    carry that information, and repeating it in the text only blurs it.
    """
    return text_of(doc)


def _confident(suggestions, known: frozenset[str] | tuple[str, ...]) -> tuple[str, ...]:
    ids = [s.id for s in suggestions if s.confidence >= MIN_INFERRED_CONFIDENCE and s.id in known]
    return tuple(dict.fromkeys(ids))


def _max_confidence(suggestions, chosen: tuple[str, ...]) -> float:
    return max((s.confidence for s in suggestions if s.id in chosen), default=0.0)


def enrich(doc: Doc, analyse: Callable | None = None, embedder=None) -> Doc:
    """A copy of `doc` with its empty structured fields filled from its text.

    `analyse` defaults to `matchmaker.analysis.analyse`; it is a parameter so a
    caller that already analysed the text (the registration form) can pass a
    cached one.
    """
    if analyse is None:
        from matchmaker.analysis import analyse
    text = text_of(doc)
    if not text:
        return doc
    result = analyse(text, language=doc.language, role=doc.kind, embedder=embedder)
    changes: dict[str, object] = {}
    inferred = dict(doc.inferred)

    def fill(name: str, value, confidence: float) -> None:
        if value:
            changes[name] = value
            inferred[name] = round(float(confidence), 3)

    if not doc.language and result.language:
        fill("language", result.language, 1.0)
    if not doc.materials:
        chosen = _confident(result.materials, taxonomy.MATERIALS)
        fill("materials", chosen, _max_confidence(result.materials, chosen))
    if not doc.services:
        chosen = _confident(result.services, taxonomy.SERVICES)
        fill("services", chosen, _max_confidence(result.services, chosen))
    if not doc.ewc_codes:
        chosen = _confident(result.ewc_codes, tuple(s.id for s in result.ewc_codes))
        fill("ewc_codes", chosen, _max_confidence(result.ewc_codes, chosen))
    certs_field = "requirements" if isinstance(doc, StreamDoc) else "certifications"
    if not getattr(doc, certs_field):
        chosen = _confident(result.certifications, taxonomy.CERTIFICATIONS)
        fill(certs_field, chosen, _max_confidence(result.certifications, chosen))
    quantity = result.quantity
    if doc.quantity_amount is None and quantity is not None:
        changes.update(
            quantity_amount=quantity.amount, quantity_unit=quantity.unit, quantity_per=quantity.per
        )
        inferred["quantity"] = round(float(quantity.confidence), 3)
    if isinstance(doc, CapacityDoc):
        if doc.service_radius_km is None and result.service_radius_km is not None:
            fill("service_radius_km", float(result.service_radius_km), 0.8)
        if doc.target_group_fte is None and result.target_group_fte is not None:
            fill("target_group_fte", float(result.target_group_fte), 0.8)
    if not changes:
        return doc
    return dataclasses.replace(doc, inferred=inferred, **changes)
