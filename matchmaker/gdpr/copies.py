"""After an erasure is committed: the copies of the erased data outside the rows.

The mail outbox keeps sent mails as files, and a SQLite database keeps the
pages an erasure changed, with their old contents, in its write-ahead log
until a checkpoint. One call removes both, for the API, the pages and the
retention command alike.
"""
from __future__ import annotations

from sqlalchemy.engine import Engine

from models import truncate_wal

from ..mail import Mailer
from .traces import Traces


def purge_copies(engine: Engine, mailer: Mailer, erased: list[Traces]) -> bool:
    """Delete the outbox mails holding any of `erased` and empty the database's write-ahead
    log; False when the log could not be emptied (a reader held it beyond the busy
    timeout): the next erasure empties it."""
    erased = [traces for traces in erased if traces]
    if erased:
        mailer.forget(lambda raw: any(traces.found_in_mail(raw) for traces in erased))
    return truncate_wal(engine)
