"""Pages of query results and the text/vocabulary filters the list endpoints share."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from matchmaker.taxonomy import material_children


def paginate(session: Session, query: sa.Select, page: int, page_size: int) -> dict[str, Any]:
    """The envelope `{items, page, page_size, total}` for one page of `query`."""
    total = session.scalar(sa.select(sa.func.count()).select_from(query.order_by(None).subquery()))
    items = session.scalars(query.limit(page_size).offset((page - 1) * page_size)).all()
    return {"items": items, "page": page, "page_size": page_size, "total": total}


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def contains_text(column: Any, text: str) -> sa.ColumnElement[bool]:
    """Case-insensitive substring match, with the user's % and _ taken literally."""
    return sa.func.lower(column).like(f"%{_escape_like(text.lower())}%", escape="\\")


def json_list_has(column: Any, value: str) -> sa.ColumnElement[bool]:
    """A JSON list column holds `value`; portable, since both backends keep the quotes."""
    return sa.cast(column, sa.Text).like(f'%"{_escape_like(value)}"%', escape="\\")


class Shown:
    """An object as one caller may see it: some attributes hidden, some added.

    Schemas skip attributes that are missing, so hidden fields are simply absent.
    """

    def __init__(self, obj: Any, hidden: tuple[str, ...] = (), **extra: Any) -> None:
        self._obj, self._hidden, self._extra = obj, hidden, extra

    def __getattr__(self, name: str) -> Any:
        if name in self._hidden:
            raise AttributeError(name)
        if name in self._extra:
            return self._extra[name]
        return getattr(self._obj, name)


def material_and_narrower(material: str) -> list[str]:
    """`textiles` -> textiles, clothing, workwear, ...: asking for a parent finds its children."""
    return [material, *(m for child in material_children(material)
                        for m in material_and_narrower(child))]
