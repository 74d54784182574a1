"""Docs as arrays: the columnar store the ranker scans and masks.

A `Block` holds the structured fields of n docs of one kind as numpy arrays
(multi-hot vocabularies, coordinates, kg per month, dates as day numbers, NaN
when unknown); features broadcast a one-row block against a many-row block.
`Columns` is a growable Block plus the docs, their unit vectors and a stable
integer key per doc (the lexical index is keyed by it). Removing a doc moves
the last row into its place, so every update is O(1) rows copied.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, fields
from pathlib import Path

import numpy as np

from indexing.state_files import load_state, save_state
from indexing.vector_index import headroom, normalise_rows
from matchmaker import taxonomy
from matchmaker.engine.documents import CapacityDoc, Doc, StreamDoc, kg_per_month

MATERIAL_IDS: tuple[str, ...] = tuple(taxonomy.MATERIAL_PARENT)
SERVICE_IDS: tuple[str, ...] = taxonomy.SERVICES
CERTIFICATION_IDS: tuple[str, ...] = taxonomy.CERTIFICATIONS
_MATERIAL_COL = {m: i for i, m in enumerate(MATERIAL_IDS)}
_SERVICE_COL = {s: i for i, s in enumerate(SERVICE_IDS)}
_CERT_COL = {c: i for i, c in enumerate(CERTIFICATION_IDS)}
_MIN_ROWS = 64


def _ewc_key(code: str) -> str:
    """EURAL codes compare without spaces or the hazardous star."""
    return "".join(ch for ch in code if ch.isdigit())


def _multi_hot(values: tuple[str, ...], columns: dict[str, int], width: int) -> np.ndarray:
    row = np.zeros(width, dtype=bool)
    row[[columns[v] for v in values if v in columns]] = True
    return row


def _day(value) -> float:
    return float(value.toordinal()) if value is not None else np.nan


def _num(value) -> float:
    return float(value) if value is not None else np.nan


@dataclass
class Block:
    """Structured fields of n docs, row-aligned; NaN = unknown."""

    materials: np.ndarray  # (n, len(MATERIAL_IDS)) bool
    services: np.ndarray  # (n, len(SERVICE_IDS)) bool
    certifications: np.ndarray  # (n, len(CERTIFICATION_IDS)) bool: held or required
    ewc: np.ndarray  # (n, width of the store's EWC vocabulary) bool
    lat: np.ndarray
    lon: np.ndarray
    radius_km: np.ndarray
    kg_per_month: np.ndarray
    target_group_fte: np.ndarray
    available_from: np.ndarray  # proleptic ordinal days
    available_until: np.ndarray

    def take(self, rows: np.ndarray) -> Block:
        return Block(**{f.name: getattr(self, f.name)[rows] for f in fields(self)})


def encode(doc: Doc, ewc_columns: dict[str, int], ewc_width: int) -> Block:
    """One doc as a one-row Block (EWC codes outside `ewc_columns` are dropped)."""
    certs = doc.requirements if isinstance(doc, StreamDoc) else doc.certifications
    radius = doc.service_radius_km if isinstance(doc, CapacityDoc) else None
    fte = doc.target_group_fte if isinstance(doc, CapacityDoc) else None
    ewc = tuple(_ewc_key(c) for c in doc.ewc_codes)
    kg = kg_per_month(doc)
    return Block(
        materials=_multi_hot(doc.materials, _MATERIAL_COL, len(MATERIAL_IDS))[None],
        services=_multi_hot(doc.services, _SERVICE_COL, len(SERVICE_IDS))[None],
        certifications=_multi_hot(certs, _CERT_COL, len(CERTIFICATION_IDS))[None],
        ewc=_multi_hot(ewc, ewc_columns, ewc_width)[None],
        lat=np.array([_num(doc.lat)]),
        lon=np.array([_num(doc.lon)]),
        radius_km=np.array([_num(radius)]),
        kg_per_month=np.array([_num(kg)]),
        target_group_fte=np.array([_num(fte)]),
        available_from=np.array([_day(doc.available_from)]),
        available_until=np.array([_day(doc.available_until)]),
    )


class Columns:
    """The docs of one kind with their vectors and Block arrays, in row order."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.docs: list[Doc] = []
        self.row_of: dict[str, int] = {}
        self.row_of_key: dict[int, int] = {}
        self.keys = np.zeros(_MIN_ROWS, dtype=np.int64)
        self.organisation = np.zeros(_MIN_ROWS, dtype=np.int64)
        self.hub = np.zeros(_MIN_ROWS, dtype=np.int64)
        self.active = np.zeros(_MIN_ROWS, dtype=bool)
        self._vectors = np.zeros((_MIN_ROWS, dim), dtype=np.float32)
        self.ewc_columns: dict[str, int] = {}
        self._block = encode(StreamDoc(id="", organisation_id=""), {}, 0).take(
            np.zeros(_MIN_ROWS, dtype=np.int64)
        )
        self._interned: dict[str, int] = {}
        self._next_key = 0

    def __len__(self) -> int:
        return len(self.docs)

    @property
    def vectors(self) -> np.ndarray:
        return self._vectors[: len(self)]

    @property
    def block(self) -> Block:
        n = len(self)
        return Block(**{f.name: getattr(self._block, f.name)[:n] for f in fields(Block)})

    def intern(self, name: str | None) -> int:
        """A small integer per organisation or hub id (-1 for none)."""
        if name is None:
            return -1
        return self._interned.setdefault(name, len(self._interned))

    def interned(self, names: Collection[str]) -> list[int]:
        """The small integers of known organisation or hub ids (unknown ones left out)."""
        return [self._interned[n] for n in names if n in self._interned]

    def query_block(self, doc: Doc) -> Block:
        return encode(doc, self.ewc_columns, len(self.ewc_columns))

    def upsert(self, doc: Doc, vector: np.ndarray) -> int:
        """Store or replace a doc; returns its stable key."""
        self._grow_ewc(doc.ewc_codes)
        row = self.row_of.get(doc.id)
        if row is None:
            row = len(self.docs)
            self._reserve(row + 1)
            self.docs.append(doc)
            self.row_of[doc.id] = row
            self.keys[row] = self._next_key
            self.row_of_key[self._next_key] = row
            self._next_key += 1
        else:
            self.docs[row] = doc
        self._vectors[row] = normalise_rows(vector)[0]
        self.organisation[row] = self.intern(doc.organisation_id)
        self.hub[row] = self.intern(doc.hub_id)
        self.active[row] = doc.status == "open"
        encoded = self.query_block(doc)
        for f in fields(Block):
            getattr(self._block, f.name)[row] = getattr(encoded, f.name)[0]
        return int(self.keys[row])

    def remove(self, doc_id: str) -> int | None:
        """Drop a doc; returns its key, or None if it was not stored."""
        row = self.row_of.pop(doc_id, None)
        if row is None:
            return None
        key = int(self.keys[row])
        del self.row_of_key[key]
        last = len(self.docs) - 1
        moved = self.docs.pop()
        if row != last:
            self.docs[row] = moved
            self.row_of[moved.id] = row
            self.row_of_key[int(self.keys[last])] = row
            for array in (self.keys, self.organisation, self.hub, self.active, self._vectors):
                array[row] = array[last]
            for f in fields(Block):
                column = getattr(self._block, f.name)
                column[row] = column[last]
        return key

    _ARRAYS = ("keys", "organisation", "hub", "active", "_vectors")

    def save(self, directory: Path) -> None:
        """Store the columns in `directory` (see `load`), with free rows to grow into."""
        n = len(self)
        self._reserve(headroom(n))
        state = {"dim": self.dim, "docs": self.docs, "ewc_columns": self.ewc_columns,
                 "interned": self._interned, "next_key": self._next_key}
        state |= {name.lstrip("_"): getattr(self, name) for name in self._ARRAYS}
        state |= {f"block_{f.name}": getattr(self._block, f.name) for f in fields(Block)}
        save_state(directory, state)

    @classmethod
    def load(cls, directory: Path) -> Columns:
        """The columns as `save` left them."""
        state = load_state(directory)
        columns = cls(state["dim"])
        columns.docs, columns.ewc_columns = state["docs"], state["ewc_columns"]
        columns._interned, columns._next_key = state["interned"], state["next_key"]
        for name in cls._ARRAYS:
            setattr(columns, name, state[name.lstrip("_")])
        for f in fields(Block):
            setattr(columns._block, f.name, state[f"block_{f.name}"])
        columns.row_of = {doc.id: row for row, doc in enumerate(columns.docs)}
        keys = columns.keys[: len(columns.docs)].tolist()
        columns.row_of_key = dict(zip(keys, range(len(keys)), strict=True))
        return columns

    def _reserve(self, n: int) -> None:
        capacity = self.keys.shape[0]
        if n <= capacity:
            return
        grown = max(n, capacity * 3 // 2)
        for name in ("keys", "organisation", "hub", "active", "_vectors"):
            old = getattr(self, name)
            new = np.zeros((grown, *old.shape[1:]), dtype=old.dtype)
            new[:capacity] = old
            setattr(self, name, new)
        for f in fields(Block):
            old = getattr(self._block, f.name)
            new = np.full((grown, *old.shape[1:]), np.nan if old.dtype.kind == "f" else 0,
                          dtype=old.dtype)
            new[:capacity] = old
            setattr(self._block, f.name, new)

    def _grow_ewc(self, codes: tuple[str, ...]) -> None:
        new = [k for k in map(_ewc_key, codes) if k and k not in self.ewc_columns]
        if not new:
            return
        for key in new:
            self.ewc_columns[key] = len(self.ewc_columns)
        old = self._block.ewc
        grown = np.zeros((old.shape[0], len(self.ewc_columns)), dtype=bool)
        grown[:, : old.shape[1]] = old
        self._block.ewc = grown
