"""What can be wrong with a typed location, said so that pages, the API and imports can each
show it their way: a problem code, the value, and suggestions of known names."""
from __future__ import annotations

from dataclasses import dataclass, field

from matchmaker.errors import FieldError, ValidationError


@dataclass(frozen=True)
class PlaceProblem:
    """`field` is "postcode" or "municipality"; `code` one of the keys of MESSAGES."""

    field: str
    code: str
    value: str
    suggestions: list[str] = field(default_factory=list)
    postcode: str | None = None

    def message(self) -> str:
        text = MESSAGES[self.code].format(value=self.value, postcode=self.postcode)
        if self.suggestions:
            text += "; did you mean " + ", ".join(self.suggestions) + "?"
        return text


# English, for the API and import reports; pages translate the codes themselves.
MESSAGES = {
    "not_a_postcode": "{value!r} is not a Belgian postcode (four digits, e.g. 9000)",
    "unknown_postcode": "{value} is not a Belgian postcode",
    "postcode_elsewhere": "postcode {postcode} is not in {value!r}",
    "unknown_municipality": "{value!r} is not a Belgian municipality or place we know",
    "ambiguous_municipality": "several municipalities have a place called {value!r}; "
                              "add the postcode",
}


class PlaceError(ValidationError):
    """A location that cannot be resolved; `problems` keep what the pages need to translate."""

    def __init__(self, problems: list[PlaceProblem], prefix: str = "") -> None:
        self.problems = list(problems)
        self.prefix = prefix
        super().__init__([FieldError(f"{prefix}{p.field}", p.message()) for p in problems])

    def under(self, prefix: str) -> PlaceError:
        """The same problems with field paths below `prefix` (`organisations[3].location.`)."""
        return PlaceError(self.problems, prefix)
