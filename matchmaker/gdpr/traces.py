"""What identifies an erased person (address, name, phone) and finding it again in text
and in mails, whatever their encoding: what an erasure removes outside the database rows."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property

from ..mail import decoded_text

# Fewer digits than this are not a phone number one could find again without also
# finding house numbers and amounts.
_MIN_PHONE_DIGITS = 6


def _normal(text: str) -> str:
    # one form for the same letters (é as one or two code points), any case, any spacing
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True, repr=False)  # no repr: a log line must never show what was erased
class Traces:
    """The personal data an erasure removed; kept in memory only, never stored or logged."""

    email: str | None = None
    name: str | None = None
    phone: str | None = None

    def __bool__(self) -> bool:
        return bool(self.email or self.name or self.phone)

    @cached_property
    def _patterns(self) -> list[re.Pattern[str]]:
        patterns = []
        if self.email and self.email.strip():
            patterns.append(re.compile(re.escape(_normal(self.email.strip()))))
        if self.name and self.name.strip():
            words = [re.escape(w) for w in _normal(self.name).split()]
            patterns.append(re.compile(r"(?<!\w)" + r"\s+".join(words) + r"(?!\w)"))
        digits = re.sub(r"\D", "", self.phone or "")
        if len(digits) >= _MIN_PHONE_DIGITS:
            # "+32 9 123 45 67", "+32.9.123.45.67", "+3291234567": the same digits
            patterns.append(re.compile(r"(?<!\d)" + r"[\s./()\-]*".join(digits) + r"(?!\d)"))
        return patterns

    def found_in(self, text: str) -> bool:
        """Whether `text` holds the address, the name or the phone number."""
        normal = _normal(text)
        return any(p.search(normal) for p in self._patterns)

    def found_in_mail(self, raw: bytes) -> bool:
        """Whether a mail (headers and every part, once decoded) holds any of them."""
        return self.found_in(decoded_text(raw))
