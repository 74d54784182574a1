"""Writes that another request may make at the same moment: the first one wins.

Checking "does it exist yet?" before inserting leaves a window in which two requests both
find nothing and both insert; the database's unique constraint then refuses the second.
`first_writer_wins` runs such writes in a savepoint, so the refusal undoes only them (on
PostgreSQL a failed statement would otherwise spoil the whole transaction) and becomes a
`Conflict` carrying the row that won, read after the winner's commit.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from .errors import Conflict


@contextmanager
def first_writer_wins(session: Session, what: str,
                      existing: Callable[[], Any] | None = None) -> Iterator[None]:
    """Flush the block's writes in a savepoint; when a unique constraint refuses them, raise
    Conflict naming `what`, with `existing()` (the row that won) when given."""
    try:
        with session.begin_nested():
            yield
    except sa.exc.IntegrityError as err:
        raise Conflict(f"{what} was written by another request at the same moment; "
                       "reload and retry", existing=existing() if existing else None) from err
