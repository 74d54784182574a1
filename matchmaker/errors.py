"""Typed domain errors; only `api/` turns them into HTTP problem details."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""


class NotFound(DomainError):
    """The object does not exist, or the caller may not see it."""


class Conflict(DomainError):
    """The request conflicts with the current state (stale version, illegal transition,
    a row that exists already). `existing` is the object the request collided with, for
    the caller to see, when the caller may see it."""

    def __init__(self, message: str, *, allowed: tuple[str, ...] = (),
                 existing: Any = None) -> None:
        super().__init__(message)
        self.allowed = allowed
        self.existing = existing


class PermissionDenied(DomainError):
    """The caller is known but may not do this; `errors` name the fields concerned."""

    def __init__(self, message: str, *, errors: list[FieldError] | None = None) -> None:
        super().__init__(message)
        self.errors = list(errors or [])


class AwaitingApproval(PermissionDenied):
    """The right password of an account whose organisation its hub has not approved yet:
    said only to whoever typed that password, so it tells nobody else anything."""

    def __init__(self, organisation: str) -> None:
        super().__init__(f"the hub has not approved {organisation} yet; you can sign in "
                         "once it has (a mail will say so)")
        self.organisation = organisation


@dataclass(frozen=True)
class FieldError:
    """One problem with one field; `path` names the record and field, e.g. `streams[12].quantity.unit`."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}" if self.path else self.message


class ValidationError(DomainError):
    """Input is invalid; carries every problem found, not just the first."""

    def __init__(self, errors: list[FieldError]) -> None:
        self.errors = list(errors)
        super().__init__("; ".join(str(e) for e in self.errors[:20]) + (
            f" (and {len(self.errors) - 20} more)" if len(self.errors) > 20 else ""))


class Unavailable(DomainError):
    """This installation cannot do it now (a program it needs is missing or failed);
    nothing was changed, and the message says what is missing."""
