"""The suggestion index stored on disk, so that a worker loads it instead of building it.

`matchmaker index` writes what a worker's `SuggestionService` holds after loading every
item (the ranker's docs, vectors, lexical and dense indexes) together with where its
freshness protocol stood: the database's index version, every item's change marks and
when they were read. A worker that loads it goes on from there as if it had built the
index itself, and its next refresh brings in what changed since.

A snapshot is used only when everything it was made with is what the worker would use
(see `identity.Identity`); anything else, or a damaged file, is logged and the worker
builds the index from the database as before. PostgreSQL (or the SQLite file) stays the
one source of truth: a snapshot is a cache of it.
"""
from .files import current_snapshot, write_snapshot
from .identity import Identity
from .state import IndexState, read_index_state, write_index_state

__all__ = ["Identity", "IndexState", "current_snapshot", "read_index_state",
           "write_index_state", "write_snapshot"]
