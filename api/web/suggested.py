"""What the stream and capacity form takes from the text analysis.

Suggestions are ticked (or filled in) for the person to untick what is wrong, so that an
item is never stored empty only because nobody ticked. The form remembers what it has
offered in hidden `offered_*` fields (the script keeps them current while typing):

- when the form is shown, suggestions not offered before are ticked and empty quantity,
  radius and workforce fields are filled; what the person unticked or cleared after it
  was offered stays so (an item opened for editing has seen its suggestions already);
- when it is saved, an empty choice takes the suggestions that were never offered (the
  page was sent without JavaScript and without asking for suggestions, or the text
  changed since); a choice the person made is kept as it is. What was taken this way is
  returned, for the page that follows to say so.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from werkzeug.datastructures import MultiDict

from matchmaker.analysis import Analysis

CHOICES = ("materials", "services")


@dataclass
class Taken:
    """What saving took from the text because the person left it empty."""

    materials: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    quantity: tuple[str, str, str] | None = None
    numbers: dict[str, str] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.materials or self.services or self.quantity or self.numbers)


def _suggested(found: Analysis | None, name: str) -> list[str]:
    if found is None:
        return []
    return [s.id for s in (found.materials if name == "materials" else found.services)]


def quantity_key(found: Analysis | None) -> str:
    """The offered quantity as one hidden value: "2|t|month"."""
    q = found.quantity if found else None
    return "" if q is None else f"{q.amount:g}|{q.unit}|{q.per}"


def _numbers(found: Analysis | None, kind: str) -> dict[str, str]:
    """Radius and workforce read from a capacity's text, as form values."""
    if found is None or kind != "capacities":
        return {}
    values = {"service_radius_km": found.service_radius_km,
              "target_group_fte": found.target_group_fte}
    return {name: f"{value:g}" for name, value in values.items() if value is not None}


def _remember_offers(form: MultiDict, found: Analysis | None, kind: str) -> None:
    for name in CHOICES:
        offered = form.getlist(f"offered_{name}")
        form.setlist(f"offered_{name}",
                     list(dict.fromkeys(offered + _suggested(found, name))))
    if found is not None and found.quantity is not None:
        form["offered_quantity"] = quantity_key(found)
    for name, value in _numbers(found, kind).items():
        form[f"offered_{name}"] = value


def for_display(form: MultiDict, found: Analysis | None, kind: str) -> MultiDict:
    """The form as shown: new suggestions ticked, empty numbers filled, offers remembered."""
    shown = MultiDict(form)
    for name in CHOICES:
        offered = set(form.getlist(f"offered_{name}"))
        new = [s for s in _suggested(found, name) if s not in offered]
        shown.setlist(name, list(dict.fromkeys(form.getlist(name) + new)))
    q = found.quantity if found else None
    if (q is not None and not form.get("amount")
            and form.get("offered_quantity") != quantity_key(found)):
        shown["amount"], shown["unit"], shown["per"] = f"{q.amount:g}", q.unit, q.per
    for name, value in _numbers(found, kind).items():
        if not form.get(name) and form.get(f"offered_{name}") != value:
            shown[name] = value
    _remember_offers(shown, found, kind)
    return shown


def for_saving(form: MultiDict, found: Analysis | None, kind: str) -> tuple[MultiDict, Taken]:
    """The form as stored: empty choices and numbers take what was never offered."""
    saved, taken = MultiDict(form), Taken()
    for name in CHOICES:
        chosen = [v for v in form.getlist(name) if v]
        if name == "materials" and form.get("other_material"):
            chosen.append(form["other_material"])
        if not chosen:
            offered = set(form.getlist(f"offered_{name}"))
            new = [s for s in _suggested(found, name) if s not in offered]
            saved.setlist(name, new)
            setattr(taken, name, new)
    q = found.quantity if found else None
    if (q is not None and not form.get("amount", "").strip()
            and form.get("offered_quantity") != quantity_key(found)):
        saved["amount"], saved["unit"], saved["per"] = f"{q.amount:g}", q.unit, q.per
        taken.quantity = (f"{q.amount:g}", q.unit, q.per)
    for name, value in _numbers(found, kind).items():
        if not form.get(name, "").strip() and form.get(f"offered_{name}") != value:
            saved[name] = taken.numbers[name] = value
    return saved, taken


def seen_on_edit(form: MultiDict, found: Analysis | None, kind: str) -> MultiDict:
    """An item opened for editing shows what is stored: the text's suggestions count as
    offered (marked, not ticked), so what its owner unticked before is not ticked again.
    Suggestions that come up as the text is changed are ticked as on a new item."""
    seeded = MultiDict(form)
    for name in CHOICES:
        seeded.setlist(f"offered_{name}", _suggested(found, name))
    if found is not None and found.quantity is not None:
        seeded["offered_quantity"] = quantity_key(found)
    for name, value in _numbers(found, kind).items():
        seeded[f"offered_{name}"] = value
    return seeded
