"""CSV files as a way in: hubs.csv, organisations.csv, streams.csv, capacities.csv.

One row per record, columns named like the JSON fields with nested ones
flattened (`quantity_amount`, `lat`, `contact_email` ...), lists separated by
";". An organisation names its hub by id in the `hub` column: a hub of
hubs.csv in the same folder, or one already in the database. Row numbers in
errors are spreadsheet rows: the header is row 1.
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from matchmaker.errors import FieldError, ValidationError

from .validation import FORMAT, LISTS, RECORDS

# JSON object fields, the prefix their keys get as CSV columns, and those keys.
_NESTED = {"location": ("", ("lat", "lon", "postcode", "municipality")),
           "contact": ("contact_", ("name", "email", "phone")),
           "quantity": ("quantity_", ("amount", "unit", "per")),
           "capacity": ("capacity_", ("amount", "unit", "per"))}
_NUMBERS = {"lat", "lon", "quantity_amount", "capacity_amount", "service_radius_km",
            "target_group_fte"}
_LISTS = {"recognitions", "nace", "materials", "ewc_codes", "services_wanted", "services",
          "requirements", "certifications"}
_INDEX = re.compile(r"^(\w+)\[(\d+)\]\.?(.*)$")


def _targets(kind: str) -> dict[str, tuple[str, ...]]:
    """CSV column -> where its value goes in the record: ("title",) or ("quantity", "unit")."""
    targets: dict[str, tuple[str, ...]] = {}
    for name in RECORDS[kind][0]:
        if name in _NESTED:
            prefix, keys = _NESTED[name]
            targets |= {prefix + key: (name, key) for key in keys}
        else:
            targets[name] = (name,)
    return targets


def columns(kind: str) -> list[str]:
    """The CSV columns of `kind` ("streams", ...), in the order of the JSON fields."""
    return list(_targets(kind))


def _column_of(path: str) -> str:
    """'quantity.unit' -> 'quantity_unit', 'location.lat' -> 'lat', 'materials[2]' -> 'materials'."""
    head, _, rest = path.partition(".")
    head = head.split("[")[0]
    if head in _NESTED and rest:
        return _NESTED[head][0] + rest.split(".")[0]
    return head


@dataclass
class CsvDocument:
    """An exchange document read from CSV, with the spreadsheet row of each record."""

    data: dict[str, Any] = field(default_factory=lambda: {"format": FORMAT})
    rows: dict[str, list[int]] = field(default_factory=dict)

    def locate(self, error: FieldError) -> FieldError:
        """Re-address an error on the document (`streams[2].quantity.unit`) to its CSV cell."""
        match = _INDEX.match(error.path)
        if not match or match.group(1) not in self.rows:
            return error
        kind, index, rest = match.group(1), int(match.group(2)), match.group(3)
        where = f"{kind}.csv row {self.rows[kind][index]}"
        return FieldError(f"{where}, {_column_of(rest)}" if rest else where, error.message)


def _number(text: str) -> float:
    # Spreadsheets in Flanders write decimal commas.
    return float(text.replace(",", "."))


def _record(targets: dict[str, tuple[str, ...]], row: dict[str, str], where: str,
            errors: list[FieldError]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for column, raw in row.items():
        text = (raw or "").strip()
        if not text:
            continue
        value: Any = text
        if column in _NUMBERS:
            try:
                value = _number(text)
            except ValueError:
                errors.append(FieldError(f"{where}, {column}", f"{text!r} is not a number"))
                continue
        elif column in _LISTS:
            value = [part.strip() for part in text.split(";") if part.strip()]
        *parents, key = targets[column]
        target = record
        for parent in parents:
            target = target.setdefault(parent, {})
        target[key] = value
    return record


def _read(text: str, kind: str, document: CsvDocument, errors: list[FieldError]) -> None:
    name = f"{kind}.csv"
    # csv.reader, not DictReader: it yields blank lines too, so row numbers stay true.
    lines = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = [h.strip() for h in next(lines, [])]
    targets = _targets(kind)
    unknown = [h for h in header if h not in targets]
    missing = [c for c in RECORDS[kind][1] if c in targets and c not in header]
    if unknown or missing:
        problems = [f"unknown column {h!r}" for h in unknown] + [
            f"missing column {c!r}" for c in missing]
        errors.append(FieldError(name, "; ".join(problems)
                                 + f" (expected columns: {', '.join(targets)})"))
        return
    records, rows = [], []
    for number, cells in enumerate(lines, start=2):
        where = f"{name} row {number}"
        if len(cells) > len(header):
            errors.append(FieldError(where, "has more cells than the header has columns"))
        elif any(cell.strip() for cell in cells):
            records.append(_record(targets, dict(zip(header, cells, strict=False)), where,
                                   errors))
            rows.append(number)
    document.data[kind] = records
    document.rows[kind] = rows


def _check(read: Callable[[list[FieldError]], None]) -> None:
    errors: list[FieldError] = []
    read(errors)
    if errors:
        raise ValidationError(errors)


def read_csv(source: str | Path, kind: str) -> dict[str, Any]:
    """One CSV file (a path, or the text itself) as an exchange fragment `{kind: [...]}`.

    A string of one line ending in ".csv" is taken to be a path. Raises
    ValidationError naming the expected columns, or the row and column of a
    cell that is not a number.
    """
    if kind not in LISTS:
        raise ValueError(f"kind must be one of {', '.join(LISTS)}, got {kind!r}")
    if isinstance(source, str) and "\n" not in source and source.lower().endswith(".csv"):
        source = Path(source)
    text = source.read_text(encoding="utf-8") if isinstance(source, Path) else source
    document = CsvDocument(data={})
    _check(lambda errors: _read(text, kind, document, errors))
    return document.data


def read_csv_files(path: Path) -> CsvDocument:
    """A folder holding some of hubs.csv ... capacities.csv, or one such file, as one document."""
    files = ([path / f"{kind}.csv" for kind in LISTS] if path.is_dir() else [path])
    found = [f for f in files if f.is_file()]
    if not found:
        raise ValidationError([FieldError(str(path.name), "no hubs.csv, organisations.csv, "
                                          "streams.csv or capacities.csv found")])
    document = CsvDocument()

    def read(errors: list[FieldError]) -> None:
        for file in found:
            kind = file.stem
            if kind not in LISTS:
                errors.append(FieldError(file.name, "a CSV file must be named hubs.csv, "
                                         "organisations.csv, streams.csv or capacities.csv"))
                continue
            _read(file.read_text(encoding="utf-8"), kind, document, errors)

    _check(read)
    return document
