"""What makes an e-mail address and a KBO/BCE enterprise number valid: the one check the
registration page, the API's schemas and the exchange imports all call, so that none of
them stores what another refuses."""
from __future__ import annotations

import re
from typing import Literal

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_NOT_DIGITS = re.compile(r"[\s./-]")
MAX_EMAIL_LENGTH = 254  # what the database columns hold (and SMTP allows)

NumberFault = Literal["shape", "first_digit", "check_digits"]


def email_problem(value: str) -> str | None:
    """Why `value` is not an e-mail address, or None when it is one."""
    if len(value) > MAX_EMAIL_LENGTH or not _EMAIL.match(value):
        return f"{value!r} is not an e-mail address"
    return None


def normalise_enterprise_number(value: str) -> str:
    """'BE0456.123.989' or '456123989' -> '0456123989'; the caller checks it afterwards."""
    digits = _NOT_DIGITS.sub("", value.strip().upper().removeprefix("BE"))
    return "0" + digits if len(digits) == 9 and digits.isdigit() else digits


def enterprise_number_fault(value: str) -> NumberFault | None:
    """Which rule `value` breaks as an enterprise number (10 digits, starting with 0 or 1,
    the last two being 97 minus the first eight modulo 97), or None."""
    digits = normalise_enterprise_number(value)
    if len(digits) != 10 or not digits.isdigit():
        return "shape"
    if digits[0] not in "01":
        return "first_digit"
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        return "check_digits"
    return None


_NUMBER_PROBLEMS: dict[NumberFault, str] = {
    "shape": "{value!r} is not an enterprise number (10 digits, e.g. 0456.123.989)",
    "first_digit": "{value!r} is not an enterprise number (the first digit is 0 or 1)",
    "check_digits": "{value!r} fails the mod-97 check of enterprise numbers",
}


def enterprise_number_problem(value: str) -> str | None:
    """Why `value` is not a valid KBO/BCE number, or None when it is one."""
    fault = enterprise_number_fault(value)
    return None if fault is None else _NUMBER_PROBLEMS[fault].format(value=value)
