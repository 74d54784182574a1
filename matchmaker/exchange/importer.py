"""Import of an exchange document into the database: validated, all-or-nothing, idempotent.

Records are upserted by (source, external id). A record that is already
stored exactly as the file says is left untouched (no UPDATE, so its
`updated_at` and `version` stay), which makes re-importing a file a no-op.
The models bump the index version on every flush that changes an item, in
the same transaction, so a rolled-back import leaves it as it was too. New
streams and capacities, most of a first import, are inserted in bulk with the
analysis and the version bump their flush hooks would have made.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from matchmaker import stored_analysis
from matchmaker.errors import Conflict, FieldError, ValidationError
from models import Capacity, Contact, Hub, Organisation, Stream, bump_index_version, utcnow

from . import records
from .csv_files import read_csv_files
from .validation import LISTS, validate

Progress = Callable[[int, int], None]
Row = TypeVar("Row", Hub, Organisation, Stream, Capacity)
INSERT_CHUNK = 1000


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


@dataclass
class ImportReport:
    """How many records of each list were created, updated or left as they were."""

    hubs: Counts = field(default_factory=Counts)
    organisations: Counts = field(default_factory=Counts)
    streams: Counts = field(default_factory=Counts)
    capacities: Counts = field(default_factory=Counts)

    @property
    def changed(self) -> bool:
        return any(getattr(self, n).created or getattr(self, n).updated for n in LISTS)

    def lines(self) -> list[str]:
        return [f"{name}: {c.created} created, {c.updated} updated, {c.unchanged} unchanged"
                for name in LISTS for c in [getattr(self, name)]]


def _assign(row: Any, columns: dict[str, Any]) -> bool:
    """Set the columns that differ; True when anything did."""
    changed = False
    for name, value in columns.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed


class _Importer:
    """The state of one import: what is stored already, the report, the progress."""

    def __init__(self, session: Session, source: str, progress: Progress | None):
        self.session, self.source = session, source
        self.report = ImportReport()
        self.progress, self.total, self.done = progress, 0, 0

    def existing(self, model: type[Row]) -> dict[str, Row]:
        query = sa.select(model).where(model.source == self.source)
        if model is Organisation:
            query = query.options(selectinload(Organisation.contacts))
        rows = self.session.scalars(query)
        return {row.external_id: row for row in rows if row.external_id is not None}

    def upsert(self, name: str, model: type[Row], stored: dict[str, Row],
               record: dict[str, Any], columns: dict[str, Any],
               contact: dict[str, Any] | None = None) -> Row:
        counts: Counts = getattr(self.report, name)
        row = stored.get(record["id"])
        if row is None:
            row = model(source=self.source, external_id=record["id"], **columns)
            self.session.add(row)
            stored[record["id"]] = row
            counts.created += 1
            self.contact(row, contact)
        elif _assign(row, columns) | self.contact(row, contact):
            counts.updated += 1
        else:
            counts.unchanged += 1
        self.tick()
        return row

    def tick(self) -> None:
        self.done += 1
        if self.progress:
            self.progress(self.done, self.total)

    def contact(self, org: Any, columns: dict[str, Any] | None) -> bool:
        """Store the file's contact as the organisation's current one; True when it changed."""
        if columns is None:
            return False
        current = next((c for c in org.contacts if c.erased_at is None), None)
        if current is None:
            org.contacts.append(Contact(**columns))
            return True
        return _assign(current, columns)


def _hub_ids_outside(session: Session, source: str) -> dict[str, Hub]:
    """Hubs a file may name without listing them: its own source first, then any unique id."""
    by_id: dict[str, list[Hub]] = {}
    for hub in session.scalars(sa.select(Hub).where(Hub.external_id.is_not(None))):
        by_id.setdefault(hub.external_id, []).append(hub)
    chosen: dict[str, Hub] = {}
    for external_id, hubs in by_id.items():
        own = [h for h in hubs if h.source == source]
        if own or len(hubs) == 1:
            chosen[external_id] = (own or hubs)[0]
    return chosen


def import_exchange(
    session: Session, data: Any, source: str = "exchange", progress: Progress | None = None,
    *, store_analysis: bool = True,
) -> ImportReport:
    """Validate `data` and store it in one transaction; raises ValidationError, writing nothing.

    `progress(done, total)` is called after each record. Commits on success and
    rolls back on any error. `store_analysis=False` leaves the text analysis of new
    streams and capacities (~1 ms an item, most of a large import) to `matchmaker index`,
    which runs it beside the embedding; until then readers analyse those texts themselves.
    """
    try:
        report = _import(session, data, source, progress, store_analysis)
        session.flush()
        session.commit()
    except sa.exc.IntegrityError as err:
        session.rollback()
        # another import stored some of the same records (source, id) meanwhile
        raise Conflict("another import stored some of these records at the same moment; "
                       "send the file again (importing it twice changes nothing)") from err
    except BaseException:
        session.rollback()
        raise
    return report


def _import(session: Session, data: Any, source: str, progress: Progress | None,
            store_analysis: bool) -> ImportReport:
    outside_hubs = _hub_ids_outside(session, source)
    imp = _Importer(session, source, progress)
    stored_orgs = imp.existing(Organisation)
    errors = validate(data, {"hubs": outside_hubs, "organisations": stored_orgs})
    if errors:
        raise ValidationError(errors)
    imp.total = sum(len(data.get(name) or []) for name in LISTS)

    hubs: dict[str, Hub] = dict(outside_hubs)
    stored_hubs = imp.existing(Hub)
    for record in data.get("hubs") or []:
        hubs[record["id"]] = imp.upsert("hubs", Hub, stored_hubs, record,
                                        records.hub_columns(record))

    for record in data.get("organisations") or []:
        columns = records.organisation_columns(record)
        hub = hubs.get(record["hub"]) if record.get("hub") else None
        columns["hub"] = hub
        imp.upsert("organisations", Organisation, stored_orgs, record, columns,
                   records.contact_columns(record))

    session.flush()   # the organisations' ids, for the streams' and capacities' rows
    for name, model, to_columns in (("streams", Stream, records.stream_columns),
                                    ("capacities", Capacity, records.capacity_columns)):
        stored = imp.existing(model)
        new_rows = []
        for record in data.get(name) or []:
            columns = to_columns(record)
            if record["id"] in stored:
                columns["organisation"] = stored_orgs[record["organisation"]]
                imp.upsert(name, model, stored, record, columns)
            else:
                new_rows.append({**columns, "source": source, "external_id": record["id"],
                                 "organisation_id": stored_orgs[record["organisation"]].id})
                getattr(imp.report, name).created += 1
                imp.tick()
        _insert_items(session, model, new_rows, store_analysis)
    return imp.report


def _insert_items(session: Session, model: type[Stream] | type[Capacity],
                  rows: list[dict[str, Any]], store_analysis: bool) -> None:
    """New streams or capacities in one INSERT of many rows a chunk: ORM objects cost
    several times the statement at a whole region's size. What the flush hooks do for an
    object is done here: the analysis is stored with the row, the index version bumped."""
    if not rows:
        return
    table = model.__table__
    now = utcnow()
    for row in rows:
        # the ORM starts the version counter at 1 and stamps both times alike
        row.update(version=1, created_at=now, updated_at=now)
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start:start + INSERT_CHUNK]
        if store_analysis:
            stored_analysis.add_analysis(chunk, model)
        session.execute(sa.insert(table), chunk)
    bump_index_version(session)


def import_csv(
    session: Session, path: Path, source: str = "exchange", progress: Progress | None = None,
    *, store_analysis: bool = True,
) -> ImportReport:
    """Import a CSV file or a folder of them; errors name the file, row and column."""
    document = read_csv_files(path)
    try:
        return import_exchange(session, document.data, source, progress,
                               store_analysis=store_analysis)
    except ValidationError as err:
        raise ValidationError([document.locate(e) for e in err.errors]) from err


def import_file(
    session: Session, path: Path, source: str = "exchange", progress: Progress | None = None,
    *, store_analysis: bool = True,
) -> ImportReport:
    """Import an exchange JSON file, a CSV file or a folder of CSV files."""
    if path.is_dir() or path.suffix.lower() == ".csv":
        return import_csv(session, path, source, progress, store_analysis=store_analysis)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as err:
        raise ValidationError([FieldError(path.name, f"is not a JSON file: {err}")]) from err
    return import_exchange(session, data, source, progress, store_analysis=store_analysis)
