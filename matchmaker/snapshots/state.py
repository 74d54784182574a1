"""A `SuggestionService`'s index state to and from a snapshot folder, checked on the way in."""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from indexing.state_files import load_state, save_state
from matchmaker.engine.ranker import Ranker

from .files import current_snapshot, verify, write_snapshot
from .identity import Identity

logger = logging.getLogger(__name__)
Mark = tuple[datetime, datetime]


@dataclass
class IndexState:
    """What a worker's freshness protocol goes on from (see matchmaker.suggestions)."""

    ranker: Ranker
    index_version: int
    marks: dict[str, dict[int, Mark]]
    looked_at: dict[str, datetime | None]
    awaiting: dict[str, set[int]]


def write_index_state(directory: Path, state: IndexState, identity: Identity) -> Path:
    """Store `state` as the current snapshot in `directory`; returns its folder."""
    def fill(folder: Path) -> None:
        state.ranker.save(folder / "ranker")
        save_state(folder / "freshness", {"marks": state.marks, "awaiting": state.awaiting})

    manifest = {"identity": identity.to_json(), "index_version": state.index_version,
                "looked_at": {kind: at.isoformat() if at else None
                              for kind, at in state.looked_at.items()},
                "counts": {"stream": len(state.ranker.streams),
                           "capacity": len(state.ranker.capacities)}}
    return write_snapshot(directory, fill, manifest)


def read_index_state(directory: Path, identity: Identity, index_version: int,
                     ranker_options: dict[str, Any]) -> IndexState | None:
    """The current snapshot's state when it was made with `identity` from this database as
    it was at `index_version` or before; None otherwise, said in the log."""
    started = time.perf_counter()
    try:
        found = current_snapshot(directory)
        if found is None:
            logger.info("no stored index in %s: building it from the database", directory)
            return None
        folder, manifest = found
        refused = _refusal(manifest, identity, index_version)
        if refused:
            logger.warning("stored index %s not used (%s): building it from the database",
                           folder, refused)
            return None
        verify(folder, manifest)
        ranker = Ranker.load(folder / "ranker", **ranker_options)
        freshness = load_state(folder / "freshness")
        state = IndexState(
            ranker=ranker, index_version=manifest["index_version"],
            marks=freshness["marks"], awaiting=freshness["awaiting"],
            looked_at={kind: datetime.fromisoformat(at) if at else None
                       for kind, at in manifest["looked_at"].items()})
    except Exception as err:  # noqa: BLE001 - a cache that cannot be read must not stop a worker
        logger.warning("stored index in %s could not be read (%s: %s): building it from "
                       "the database", directory, type(err).__name__, err)
        return None
    logger.info("stored index %s loaded in %.1f s: %d streams, %d capacities", folder,
                time.perf_counter() - started, len(ranker.streams), len(ranker.capacities))
    return state


def _refusal(manifest: dict[str, Any], identity: Identity, index_version: int) -> str:
    differences = identity.differences(manifest.get("identity") or {})
    if differences:
        return "made with " + "; ".join(differences)
    if manifest.get("index_version", index_version + 1) > index_version:
        return (f"made at index version {manifest.get('index_version')}, later than the "
                f"database's {index_version}: a database restored from an older copy?")
    return ""
