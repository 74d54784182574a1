"""The text analysis of an item, made once when the item is written and stored with it.

`analyse` reads a title and description in about a millisecond; every worker used to read
every item again when it loaded or refreshed its index. The result is now stored on the
row (`analysis`) with the key it was made for (`analysis_key`: the analyser's version, the
item's role and language, and the text), written by a flush hook whenever the text
changes, so any process that writes an item stores it. A reader uses the stored one when
the key still matches and analyses the text itself otherwise (a row written before this,
or by an older analyser: `matchmaker index` stores those).

Only what `enrich` uses is kept: ids, confidences and numbers, not the words they rest on.
"""
from __future__ import annotations

import hashlib
import logging
from importlib import resources
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from models import Capacity, Stream

from .analysis import Analysis, Suggestion, analyse
from .engine.documents import join_text
from .quantities import QuantitySuggestion

logger = logging.getLogger(__name__)
# Bump when `analyse` reads differently; changes to its data files are caught by their digest.
ANALYSER_VERSION = "1"


def _data_digest() -> str:
    digest = hashlib.sha256()
    for name in sorted(f.name for f in resources.files("matchmaker.data").iterdir()
                       if f.name.endswith(".json")):
        digest.update(resources.files("matchmaker.data").joinpath(name).read_bytes())
    return digest.hexdigest()[:12]


VERSION = f"{ANALYSER_VERSION}-{_data_digest()}"
_ROLES = {Stream: "stream", Capacity: "capacity"}


def analysis_key(text: str, language: str | None, role: str) -> str:
    return hashlib.sha256("\0".join((VERSION, role, language or "", text))
                          .encode("utf-8")).hexdigest()


def _key_of(item: Stream | Capacity) -> tuple[str, str]:
    text = join_text(item.title or "", item.description or "")
    return text, analysis_key(text, item.language, _ROLES[type(item)])


def to_json(result: Analysis) -> dict[str, Any]:
    def listed(suggestions: list[Suggestion]) -> list[list[Any]]:
        return [[s.id, s.confidence] for s in suggestions]

    quantity = result.quantity
    return {"language": result.language, "materials": listed(result.materials),
            "services": listed(result.services),
            "certifications": listed(result.certifications),
            "ewc_codes": listed(result.ewc_codes),
            "quantity": None if quantity is None else [quantity.amount, quantity.unit,
                                                       quantity.per, quantity.confidence],
            "service_radius_km": result.service_radius_km,
            "target_group_fte": result.target_group_fte}


def from_json(data: dict[str, Any]) -> Analysis:
    def listed(name: str) -> list[Suggestion]:
        return [Suggestion(id_, confidence, "") for id_, confidence in data[name]]

    quantity = data["quantity"]
    return Analysis(
        language=data["language"], materials=listed("materials"), services=listed("services"),
        certifications=listed("certifications"), ewc_codes=listed("ewc_codes"),
        quantity=None if quantity is None else QuantitySuggestion(*quantity, evidence=""),
        service_radius_km=data["service_radius_km"], target_group_fte=data["target_group_fte"])


def stored_analysis(item: Stream | Capacity) -> Analysis | None:
    """The item's stored analysis when it was made for its current text, else None."""
    if item.analysis is None or item.analysis_key != _key_of(item)[1]:
        return None
    return from_json(item.analysis)


def _store(item: Stream | Capacity) -> None:
    text, key = _key_of(item)
    if item.analysis_key != key or item.analysis is None:
        try:
            result = to_json(analyse(text, item.language, role=_ROLES[type(item)]))
        except Exception:  # the write must not fail for its cache: readers analyse it then
            logger.exception("analysing %s %s failed; stored without its analysis",
                             type(item).__name__, item.id)
            item.analysis = item.analysis_key = None
            return
        item.analysis, item.analysis_key = result, key


@event.listens_for(Session, "before_flush")
def _analyse_written_items(session: Session, flush_context: Any, instances: Any) -> None:
    for item in (*session.new, *session.dirty):
        if type(item) in _ROLES:
            _store(item)


def store_missing(session: Session, model: type[Stream] | type[Capacity]) -> int:
    """Store the analysis of every row of `model` whose stored one is missing or stale;
    returns how many. Neither the rows' timestamps nor the index version move: what a
    worker holds does not change, it only no longer has to read the text itself."""
    table = model.__table__
    rows = session.execute(sa.select(table.c.id, table.c.title, table.c.description,
                                     table.c.language, table.c.analysis_key)).all()
    role, updates = _ROLES[model], []
    for row in rows:
        text = join_text(row.title or "", row.description or "")
        key = analysis_key(text, row.language, role)
        if row.analysis_key != key:
            updates.append({"row_id": row.id, "analysis_key": key,
                            "analysis": to_json(analyse(text, row.language, role=role))})
    if updates:
        session.execute(
            sa.update(table).where(table.c.id == sa.bindparam("row_id"))
            .values(analysis=sa.bindparam("analysis"), analysis_key=sa.bindparam("analysis_key"),
                    updated_at=table.c.updated_at, version=table.c.version),
            updates)
    return len(updates)
