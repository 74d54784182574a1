"""Guessing passwords: a burst of failed sign-ins is slowed down with 429."""
from __future__ import annotations

import pytest

PROBLEM = "application/problem+json"


@pytest.mark.xfail(strict=True, reason="no rate limiting of POST /api/v1/session yet "
                   "(issue 7: 429 after a burst)")
def test_burst_of_wrong_passwords_gets_429_with_retry_after(http, world):
    answers = [http.post("/api/v1/session", json={"email": "fac-a@example.org",
                                                  "password": f"guess number {i}"})
               for i in range(30)]
    statuses = [status for status, _, _ in answers]
    assert set(statuses) <= {401, 429}
    limited = [(headers, body) for status, headers, body in answers if status == 429]
    assert limited, statuses
    headers, body = limited[0]
    assert headers["Content-Type"] == PROBLEM and int(headers["Retry-After"]) > 0
    assert body["status"] == 429
