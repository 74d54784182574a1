"""Suggestions served from one in-memory ranker per process, kept fresh from the database.

Every web worker holds a `SuggestionService`. It loads the published streams
and capacities of every hub (matching crosses hub borders) with their stored
vectors, and afterwards looks at the database's index version before each use
(at most every `refresh_seconds`): when another process wrote, it reads the items
whose timestamps moved since it last looked (with a margin for transactions that
committed late), reloads those and drops the ones that are gone; a count check (at most
every `count_check_seconds`: counting reads every published row), and a
full comparison every `full_check_seconds`, catch what a timestamp cannot show (a
deleted row, a long import). A process
that writes calls `index_items` in its own transaction, so its vectors are
stored once and its next suggestion already sees the change.

With a `snapshot_dir`, a service that has nothing loaded starts from the index stored
there by `matchmaker index` (matchmaker.snapshots), when it was made for this database,
model and analyser, and refreshes from where that one stood.
"""
from __future__ import annotations

import heapq
import itertools
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.orm import Session
from threadpoolctl import threadpool_limits

from indexing.embedders import Embedder, sendable
from indexing.vector_index import DEFAULT_ANN_THRESHOLD
from models import (
    Capacity,
    Decision,
    Match,
    Organisation,
    Stream,
    User,
    ensure_database_id,
    read_database_id,
    read_index_version,
    utcnow,
)

from . import notifications, snapshots, workflow
from .catalogue import (
    ITEM_MODELS,
    MATCHABLE_STATUS,
    Mark,
    change_marks,
    load_items,
    matchable_count,
    matchable_texts,
    recent_changes,
    to_doc,
)
from .engine.documents import Doc, embed_text
from .engine.ranker import Ranker, Scope, Suggestion
from .engine.scorer import DefaultScorer
from .errors import NotFound
from .mail import Mail
from .stages import stage
from .stored_analysis import analysis_pool, missing_stored_meanwhile
from .vector_store import (
    Progress,
    SyncReport,
    encode_on_one_thread,
    store_vectors,
    stored_rows,
    sync_vectors,
    text_hash,
)

# A transaction stamps its rows when it flushes and becomes visible when it commits, and
# hosts' clocks differ a little: changes are looked for from this long before a worker's
# previous look.
LATE_COMMIT_MARGIN = timedelta(seconds=30)
# How long a worker waits for the writer of a new or edited item to store its vector
# before embedding the item itself (see SuggestionService._load).
VECTOR_GRACE = timedelta(seconds=10)
KINDS = ("stream", "capacity")
CACHE_SIZE = 20_000
# recorded as the scorer of a match the engine could not score (e.g. a closed capacity)
MANUAL_SCORER = "manual"


@dataclass(frozen=True)
class QueueItem:
    """One unreviewed suggestion in a hub's review queue."""

    stream_id: int
    capacity_id: int
    suggestion: Suggestion


class SuggestionCache:
    """Suggestions computed since the items they depend on last changed.

    A query's suggestions depend on the query item and on the items of the other side
    only (its candidates, their features and the lexical weights fitted on that side),
    so a new stream leaves every stream's list of capacities as it was: the hub review
    queue, which asks for every stream of a hub, is not recomputed after each
    registration. A change to items of one kind forgets those items' own lists and every
    list of the other kind.
    """

    def __init__(self, limit: int = CACHE_SIZE) -> None:
        self.limit = limit
        self._lists: dict[str, dict[int, dict[tuple, list[Suggestion]]]] = {
            kind: {} for kind in KINDS}
        self._size = 0

    def get(self, kind: str, item_id: int, key: tuple) -> list[Suggestion] | None:
        return self._lists[kind].get(item_id, {}).get(key)

    def put(self, kind: str, item_id: int, key: tuple, found: list[Suggestion]) -> None:
        if self._size >= self.limit:
            self.clear()
        self._lists[kind].setdefault(item_id, {})[key] = found
        self._size += 1

    def forget(self, kind: str, item_ids: Iterable[int]) -> None:
        """Items of `kind` changed (added, edited or removed)."""
        other = "capacity" if kind == "stream" else "stream"
        self._size -= sum(len(lists) for lists in self._lists[other].values())
        self._lists[other].clear()
        for item_id in item_ids:
            self._size -= len(self._lists[kind].pop(item_id, {}))

    def clear(self) -> None:
        for lists in self._lists.values():
            lists.clear()
        self._size = 0

    def __len__(self) -> int:
        return self._size


def _scope(hub_ids: Iterable[int] | None, organisation_ids: Iterable[int] | None) -> Scope | None:
    if hub_ids is None and organisation_ids is None:
        return None
    # frozensets: a Scope is part of the suggestion cache's key
    return Scope(hubs=None if hub_ids is None else frozenset(str(h) for h in hub_ids),
                 organisations=None if organisation_ids is None
                 else frozenset(str(o) for o in organisation_ids))


class SuggestionService:
    def __init__(self, embedder: Embedder, *, max_per_organisation: int = 2,
                 ann_threshold: int = DEFAULT_ANN_THRESHOLD, refresh_seconds: float = 0.5,
                 full_check_seconds: float = 300.0, count_check_seconds: float = 5.0,
                 scorer=None, snapshot_dir: Path | None = None) -> None:
        self.embedder = embedder
        self.snapshot_dir = snapshot_dir
        # the stored index this service started from, None when it built its own
        self.loaded_from: Path | None = None
        self.refresh_seconds = refresh_seconds
        self.full_check_seconds = full_check_seconds
        # counting the published items reads all of them: not on every refresh
        self.count_check_seconds = count_check_seconds
        self._counted_at: dict[str, float] = {kind: -float("inf") for kind in KINDS}
        self._options = {"max_per_organisation": max_per_organisation,
                         "ann_threshold": ann_threshold, "scorer": scorer}
        self._ranker: Ranker | None = None
        self._marks: dict[str, dict[int, Mark]] = {kind: {} for kind in KINDS}
        # when each kind was last compared with the database (this process's clock)
        self._looked_at: dict[str, datetime | None] = {kind: None for kind in KINDS}
        # ids of items written a moment ago whose writer has not stored their vector yet
        self._awaiting: dict[str, set[int]] = {kind: set() for kind in KINDS}
        self._version = -1
        self._checked_at = 0.0
        self._full_check_at = -float("inf")
        self._warm = False
        self._lock = threading.RLock()
        self._cache = SuggestionCache()

    @property
    def loaded(self) -> bool:
        return self._ranker is not None

    @property
    def scorer_version(self) -> str:
        """Recorded with a match, so a decision can be traced to the scorer that proposed it."""
        scorer = self._options["scorer"]
        return scorer.version if scorer is not None else DefaultScorer.version

    # -- writing vectors ---------------------------------------------------
    def build_index(self, session: Session, *, rebuild: bool = False,
                    progress: Callable[[str, str], Progress] | None = None,
                    ) -> dict[str, SyncReport]:
        """Store the analysis and the vector of every new or changed item (the caller
        commits). `progress(step, kind)` gives the callback of each step ("analysis",
        "embedding").

        An item's vector depends on its title and description alone, not on its analysis,
        so another process analyses while this one embeds (on one BLAS thread: the
        model's micro-batches are too small for a second, and on a busy machine two
        threads ran 3-6x slower than one); once it has analysed, that process embeds
        too, from the other end of the list (the USE model, see `sync_vectors`). Texts
        are read as columns, vectors written with one statement a batch.
        """
        reports = {}
        with analysis_pool() as pool, threadpool_limits(1, user_api="blas"):
            helper = (partial(pool.submit, encode_on_one_thread, self.embedder)
                      if sendable(self.embedder) else None)
            for kind in KINDS:
                with missing_stored_meanwhile(session, ITEM_MODELS[kind], pool,
                                              progress("analysis", kind) if progress else None):
                    reports[kind] = sync_vectors(
                        session, self.embedder, kind, matchable_texts(session, kind),
                        rebuild=rebuild, helper=helper,
                        progress=progress("embedding", kind) if progress else None)
        return reports

    def index_items(self, session: Session, kind: str, ids: Iterable[int]) -> None:
        """Store vectors for items this process just wrote and show them at once."""
        with self._lock:
            ids = list(ids)
            items = [i for i in load_items(session, kind, ids) if i.status == MATCHABLE_STATUS]
            docs = [to_doc(item) for item in items]
            vectors, missing = self._stored_vectors(session, kind, docs)
            self._embed(session, kind, docs, vectors, missing, store=True)
            self._cache.forget(kind, ids)
            if self._ranker is not None:
                self._ranker.upsert(docs, vectors)
                gone = [i for i in ids if i not in {it.id for it in items}]
                self._ranker.remove(kind, [str(i) for i in gone])
                for item in items:
                    self._awaiting[kind].discard(item.id)

    def _stored_vectors(self, session: Session, kind: str,
                        docs: list[Doc]) -> tuple[np.ndarray, list[int]]:
        """(vectors, positions of the docs without a stored vector of their current text):
        the stored vectors filled in, the others' rows left to fill."""
        out = np.empty((len(docs), self.embedder.dim), dtype=np.float32)
        if not docs:
            return out, []
        stored = stored_rows(session, self.embedder.name, kind, [int(d.id) for d in docs])
        missing = []
        for i, doc in enumerate(docs):
            row = stored.get(int(doc.id))
            if row is not None and row.text_hash == text_hash(embed_text(doc)):
                out[i] = np.frombuffer(row.vector, dtype="<f4")
            else:
                missing.append(i)
        return out, missing

    def _embed(self, session: Session, kind: str, docs: list[Doc], vectors: np.ndarray,
               missing: list[int], *, store: bool) -> None:
        """Embed the docs at `missing` into `vectors` (and store them when `store`)."""
        if not missing:
            return
        texts = [embed_text(docs[i]) for i in missing]
        with stage("embedding"):
            vectors[missing] = self.embedder.encode(texts)
        if store:
            stored = stored_rows(session, self.embedder.name, kind,
                                 [int(docs[i].id) for i in missing])
            store_vectors(session, self.embedder.name, kind,
                          ((int(docs[i].id), text, vectors[i])
                           for i, text in zip(missing, texts, strict=True)), stored)
            session.flush()

    # -- keeping the ranker fresh -----------------------------------------
    def refresh_due(self) -> bool:
        """Whether the next `refresh` would look at the database (the index loaded, and
        `refresh_seconds` gone by since the last look)."""
        return (self._ranker is not None
                and time.monotonic() - self._checked_at >= self.refresh_seconds)

    def refresh(self, session: Session, *, force: bool = False, full: bool = False) -> bool:
        """Bring the ranker up to date with the database; True when anything changed.
        `full`: compare every item now, even when the index version did not move."""
        with self._lock, stage("refresh"):
            now = time.monotonic()
            if not force and self._ranker is not None and now - self._checked_at < self.refresh_seconds:
                return False
            self._checked_at = now
            if self._ranker is None and self.snapshot_dir is not None:
                self._load_snapshot(session)
            version = read_index_version(session)
            awaiting = any(self._awaiting.values())
            if (version == self._version and self._ranker is not None and not awaiting
                    and not full):
                return False
            first = self._ranker is None
            if first:
                self._ranker = Ranker(embedder=self.embedder, **self._options)
            changed = False
            if version != self._version or full:
                full = full or now - self._full_check_at >= self.full_check_seconds
                for kind in KINDS:
                    with stage("changes"):
                        gone, moved = (self._compare_all(session, kind) if full
                                       else self._compare_recent(session, kind))
                    if gone:
                        with stage("indexing"):
                            self._ranker.remove(kind, [str(i) for i in gone])
                        self._cache.forget(kind, gone)
                        self._awaiting[kind].difference_update(gone)
                    changed = self._load(session, kind, moved, wait=not first) or changed
                    changed = changed or bool(gone)
                if full:
                    self._full_check_at = now
                self._version = version
            for kind in KINDS:
                if self._awaiting[kind]:
                    ids, self._awaiting[kind] = self._awaiting[kind], set()
                    items = [i.id for i in load_items(session, kind, ids)
                             if i.status == MATCHABLE_STATUS]
                    changed = self._load(session, kind, items, wait=True) or changed
            if changed:
                # the lexical indexes take the edits now, not in the next query's search
                with stage("indexing"):
                    self._ranker.prepare()
            return changed

    def _load(self, session: Session, kind: str, ids: list[int], *, wait: bool) -> bool:
        """Load (again) these matchable items into the ranker; True when any was.

        An item written a moment ago whose vector is not stored yet is left to the
        writer, which stores it right after its commit (`index_items`): it waits in
        `_awaiting` (an edited item shows its new fields with the vector held until
        then) and is embedded here only when no vector came within VECTOR_GRACE.
        """
        assert self._ranker is not None
        if not ids:
            return False
        with stage("loading"):
            items = load_items(session, kind, ids)
            docs = [to_doc(item) for item in items]
            vectors, missing = self._stored_vectors(session, kind, docs)
        if wait and missing:
            young, keep, to_embed, unstored = utcnow() - VECTOR_GRACE, [], [], set(missing)
            for i, (item, doc) in enumerate(zip(items, docs, strict=True)):
                if i in unstored and item.updated_at > young:
                    self._awaiting[kind].add(item.id)
                    held = self._ranker.vector(kind, doc.id)
                    if held is None:
                        continue
                    vectors[i] = held
                elif i in unstored:
                    to_embed.append(len(keep))
                keep.append(i)
            docs, vectors, missing = [docs[i] for i in keep], vectors[keep], to_embed
        self._embed(session, kind, docs, vectors, missing, store=False)
        with stage("indexing"):
            self._ranker.upsert(docs, vectors)
        if docs:
            self._cache.forget(kind, [int(doc.id) for doc in docs])
        return bool(docs)

    def _compare_all(self, session: Session, kind: str) -> tuple[list[int], list[int]]:
        """(gone, added or changed) ids, by comparing every item's marks."""
        self._looked_at[kind] = utcnow()
        marks = change_marks(session, kind)
        held = self._marks[kind]
        gone = [i for i in held if i not in marks]
        moved = [i for i, mark in marks.items() if held.get(i) != mark]
        self._marks[kind] = marks
        return gone, moved

    def _compare_recent(self, session: Session, kind: str) -> tuple[list[int], list[int]]:
        """(gone, added or changed) ids from the items stamped since the last comparison,
        less LATE_COMMIT_MARGIN; a full comparison when the count does not add up."""
        held, looked_at = self._marks[kind], self._looked_at[kind]
        if looked_at is None:
            return self._compare_all(session, kind)
        self._looked_at[kind] = utcnow()
        gone, moved = [], []
        for item_id, mark in recent_changes(session, kind, looked_at - LATE_COMMIT_MARGIN).items():
            if mark is None:
                if held.pop(item_id, None) is not None:
                    gone.append(item_id)
            elif held.get(item_id) != mark:
                held[item_id] = mark
                moved.append(item_id)
        now = time.monotonic()
        if now - self._counted_at[kind] < self.count_check_seconds:
            return gone, moved
        self._counted_at[kind] = now
        with stage("count check"):
            count = matchable_count(session, kind)
        if len(held) != count:  # a row deleted, or committed late
            with stage("full compare"):
                more_gone, more_moved = self._compare_all(session, kind)
            return gone + more_gone, moved + more_moved
        return gone, moved

    # -- the stored index (matchmaker.snapshots) -----------------------------
    def _identity(self, database_id: str) -> snapshots.Identity:
        return snapshots.Identity(database=database_id, embedder=self.embedder.name,
                                  dim=self.embedder.dim,
                                  ann_threshold=self._options["ann_threshold"])

    def save_snapshot(self, session: Session, *, rebuild: bool = False) -> Path:
        """Store the index as it is in the database now into `snapshot_dir`, for workers
        to load instead of building it (`matchmaker index`, after the vectors are stored
        and committed). Returns the snapshot's folder.

        A service with nothing loaded starts from the snapshot stored before, when it
        fits, and reads only what changed since, as a worker does; `rebuild` builds it
        from the database alone."""
        directory = self.snapshot_dir
        if directory is None:
            raise ValueError("this service has no snapshot_dir to store its index in")
        with self._lock, stage("snapshot"):
            if rebuild:
                self.snapshot_dir = None   # nothing to load: refresh builds from the rows
            try:
                self.refresh(session, force=True)
            finally:
                self.snapshot_dir = directory
            assert self._ranker is not None
            state = snapshots.IndexState(self._ranker, self._version, self._marks,
                                         self._looked_at, self._awaiting)
            return snapshots.write_index_state(directory, state,
                                               self._identity(ensure_database_id(session)))

    def _load_snapshot(self, session: Session) -> None:
        """Start from the stored index when it fits (see matchmaker.snapshots). `warm_up`
        then compares every item with the database before the first request (a row
        deleted since the snapshot shows no timestamp), in the gunicorn master before it
        forks; without a warm-up, the first refresh that sees a change does it."""
        assert self.snapshot_dir is not None
        # a database no `matchmaker index` stored an index of has no id yet: no snapshot fits
        identity = self._identity(read_database_id(session) or "")
        state = snapshots.read_index_state(self.snapshot_dir, identity,
                                           read_index_version(session),
                                           {"embedder": self.embedder, **self._options})
        if state is None:
            return
        self._ranker, self._version = state.ranker, state.index_version
        self._marks, self._looked_at, self._awaiting = (state.marks, state.looked_at,
                                                        state.awaiting)
        self.loaded_from = self.snapshot_dir

    def warm_up(self, session: Session) -> None:
        """Load the index, fit the lexical channel and load the embedding model, so that a
        worker's first requests do not pay seconds for them (called before it serves).
        Forced: a worker forked from a master that loaded the index a moment ago must
        still read what changed since. Full the first time (a stored index just loaded):
        comparing every item takes ~25 ms at 10k items on PostgreSQL, which the first
        request after a change paid in every worker before."""
        self.refresh(session, force=True, full=self._full_check_at == -float("inf"))
        with self._lock:
            assert self._ranker is not None
            self._ranker.prepare()
            if not self._warm:
                self.embedder.encode(["warm-up"])
                self._warm = True

    def language_of(self, kind: str, item_id: int) -> str | None:
        """The language the engine works with for an item (entered or detected)."""
        with self._lock:
            return self._ranker.get(kind, str(item_id)).language if self._ranker else None

    def doc(self, session: Session, kind: str, item_id: int) -> Doc | None:
        """The engine's document of a matchable item (with what it inferred from the text),
        None when the item is not offered for matching."""
        with self._lock:
            try:
                return self._ready_ranker(session).get(kind, str(item_id))
            except NotFound:
                return None

    def _ready_ranker(self, session: Session) -> Ranker:
        self.refresh(session)
        assert self._ranker is not None
        return self._ranker

    # -- answering --------------------------------------------------------
    def for_stream(self, session: Session, stream_id: int, k: int = 10,
                   language: str | None = None, *, hub_ids: Iterable[int] | None = None,
                   organisation_ids: Iterable[int] | None = None) -> list[Suggestion]:
        """The best capacities for one stream, of every hub unless `hub_ids` narrows them."""
        return self._for(session, "stream", stream_id, k, language,
                         _scope(hub_ids, organisation_ids))

    def for_capacity(self, session: Session, capacity_id: int, k: int = 10,
                     language: str | None = None, *, hub_ids: Iterable[int] | None = None,
                     organisation_ids: Iterable[int] | None = None) -> list[Suggestion]:
        """The best streams for one capacity, of every hub unless `hub_ids` narrows them."""
        return self._for(session, "capacity", capacity_id, k, language,
                         _scope(hub_ids, organisation_ids))

    def for_pair(self, session: Session, stream_id: int, capacity_id: int,
                 language: str | None = None) -> Suggestion | None:
        """The engine's view of one pair, scored and explained like any suggestion,
        even when it would not reach a top list; None when the capacity is not
        matchable (not published, or gone)."""
        found = self._for(session, "stream", stream_id, 1, language, [str(capacity_id)])
        return found[0] if found else None

    def _for(self, session: Session, kind: str, item_id: int, k: int,
             language: str | None, scope: Scope | list[str] | None) -> list[Suggestion]:
        with self._lock:
            return self._answer(session, self._ready_ranker(session), kind, item_id, k,
                                language, scope)

    def _answer(self, session: Session, ranker: Ranker, kind: str, item_id: int, k: int,
                language: str | None, scope: Scope | list[str] | None) -> list[Suggestion]:
        """`_for` with a ranker already brought up to date (the caller holds the lock)."""
        try:
            doc = ranker.get(kind, str(item_id))
        except NotFound:
            # a draft or closed item is not offered to others, but may still ask
            item = session.get(ITEM_MODELS[kind], item_id)
            if item is None:
                raise NotFound(f"{kind} {item_id} does not exist") from None
            doc = to_doc(item)
            return self._suggest(ranker, doc, k, scope, language)
        key = (k, language, tuple(scope) if isinstance(scope, list) else scope)
        found = self._cache.get(kind, item_id, key)
        if found is None:
            found = self._suggest(ranker, doc, k, scope, language)
            self._cache.put(kind, item_id, key, found)
        return list(found)

    @staticmethod
    def _suggest(ranker: Ranker, doc, k: int, scope, language: str | None) -> list[Suggestion]:
        if doc.kind == "stream":
            return ranker.suggest_for_stream(doc, k, allowed=scope, language=language)
        return ranker.suggest_for_capacity(doc, k, allowed=scope, language=language)

    def hub_queue(self, session: Session, hub_id: int, k: int = 20, per_stream: int = 3,
                  language: str | None = None) -> list[QueueItem]:
        """The best suggestions for the hub's streams that no one has taken up yet."""
        stream_ids = session.scalars(
            sa.select(Stream.id).join(Organisation, Stream.organisation_id == Organisation.id)
            .where(Organisation.hub_id == hub_id, Stream.status == MATCHABLE_STATUS)
        ).all()
        if not stream_ids:
            return []
        reviewed = set(session.execute(
            sa.select(Match.stream_id, Match.capacity_id).where(Match.stream_id.in_(stream_ids))
        ))
        queue: list[QueueItem] = []
        with self._lock:
            # one look at the database for the whole queue, not one per stream
            ranker = self._ready_ranker(session)
            for stream_id in stream_ids:
                # ask for more than we keep: reviewed pairs are dropped afterwards
                found = self._answer(session, ranker, "stream", stream_id, per_stream + 5,
                                     language, None)
                queue.extend(itertools.islice(
                    (QueueItem(stream_id, int(s.target_id), s) for s in found
                     if (stream_id, int(s.target_id)) not in reviewed), per_stream))
        return heapq.nsmallest(k, queue, key=lambda q: (-q.suggestion.score, q.stream_id,
                                                        q.capacity_id))


def take_pair(session: Session, service: SuggestionService, actor: User, stream: Stream,
              capacity: Capacity, interest: dict[str, bool] | None = None) -> Match:
    """Take a pair into review as a proposed match, with the engine's score and features
    for it as they are now (the training data of the learned scorer)."""
    found = service.for_pair(session, stream.id, capacity.id)
    if found is None:
        score, features, scorer = 0.0, {}, MANUAL_SCORER
    else:
        score, features, scorer = found.score, found.features, service.scorer_version
    return workflow.take_suggestion(session, actor, stream, capacity, score=score,
                                    features=features, scorer_version=scorer,
                                    interest=interest)


def decision_mails(session: Session, service: SuggestionService, match: Match,
                   decision: Decision, links: notifications.Links) -> list[Mail]:
    """The mails a decision sends; an introduction carries the engine's reasons in favour
    of the pair, in each party's language."""
    reasons = None
    if decision.to_status == "introduced":
        reasons = {}
        for language in notifications.party_languages(match):
            found = service.for_pair(session, match.stream_id, match.capacity_id, language)
            if found is not None:
                reasons[language] = [r.text for r in found.reasons if r.polarity == "+"]
    sender = notifications.sender_of(match.hub, decision.user)
    return notifications.decision_mails(match, decision, links, sender, reasons)
