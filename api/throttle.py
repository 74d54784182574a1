"""Slowing down password and token guessing, and the probing of who has an account: a
burst is answered with 429.

Failures are counted in a sliding window per account (an e-mail address) and per client
address. Only failures count, so a user who signs in correctly is never slowed down, and
a success clears the account's own count. Password failures are kept in the database,
so every gunicorn worker (and every host) counts the same ones. Token failures stay in
the worker's memory: tokens are 256-bit secrets nobody guesses, the count only stops a
client hammering with a wrong one, and reading it is on every API call's path.

Registrations and invitations answer alike whether an address has an account or not;
each one is counted per client address (in the same table), so nobody tries thousands.
So are requests for a mailed sign-in link, per client and per address typed.

The account's lock does not hold on a browser that signed in to it before (a known
device, `matchmaker/access/devices.py`): wrong passwords there count for that browser
alone, so a guesser elsewhere cannot lock the owner out.
"""
from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, request
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.exceptions import TooManyRequests

from models import PasswordFailure


@dataclass(frozen=True)
class Limit:
    failures: int
    window_s: float


# A person mistypes a password a few times; a script tries thousands. Tokens are 256-bit
# random secrets that nobody guesses: their limit only stops a client hammering the API
# with a wrong or revoked token, without locking out colleagues behind the same address.
ACCOUNT_LIMIT = Limit(failures=5, window_s=15 * 60)
PASSWORD_ADDRESS_LIMIT = Limit(failures=20, window_s=15 * 60)
TOKEN_ADDRESS_LIMIT = Limit(failures=50, window_s=15 * 60)
# An organisation registers once, a person invites a few colleagues: per client address.
REGISTRATION_LIMIT = Limit(failures=10, window_s=60 * 60)
INVITATION_LIMIT = Limit(failures=30, window_s=60 * 60)
# Sign-in links: a person asks for one or two; a mailbox is not to be flooded.
LINK_CLIENT_LIMIT = Limit(failures=10, window_s=15 * 60)
LINK_ACCOUNT_LIMIT = Limit(failures=3, window_s=15 * 60)


class FailureCounter:
    """Failures per key within a sliding window; thread-safe."""

    def __init__(self, limit: Limit, clock: Callable[[], float] = time.time) -> None:
        self.limit = limit
        self._clock = clock
        self._failures: dict[str, deque[float]] = defaultdict(deque)
        self._lock = threading.Lock()

    def _prune(self, key: str, now: float) -> deque[float]:
        times = self._failures[key]
        while times and times[0] <= now - self.limit.window_s:
            times.popleft()
        if not times:
            del self._failures[key]  # keeps memory bounded by the keys failing right now
        return times

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may try now."""
        with self._lock:
            now = self._clock()
            times = self._prune(key, now)
            if len(times) < self.limit.failures:
                return 0
            return max(1, math.ceil(times[-self.limit.failures] + self.limit.window_s - now))

    def fail(self, key: str) -> None:
        with self._lock:
            now = self._clock()
            self._prune(key, now)
            self._failures[key].append(now)

    def clear(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)


class StoredFailureCounter:
    """The same counts as `FailureCounter`, kept in the database (`password_failures`),
    each call in a short transaction of its own; `scope` keeps the counts apart (a wrong
    password for an account or from an address, a registration or an invitation sent)."""

    # longer keys are cut: an e-mail address has at most 254 characters anyway
    MAX_KEY = 320

    def __init__(self, limit: Limit, scope: str, sessions: sessionmaker[Session],
                 clock: Callable[[], float] = time.time) -> None:
        self.limit, self.scope = limit, scope
        self._sessions, self._clock = sessions, clock

    def _of(self, key: str) -> sa.ColumnElement[bool]:
        return sa.and_(PasswordFailure.scope == self.scope,
                       PasswordFailure.key == key[:self.MAX_KEY])

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it may try now."""
        now = self._clock()
        with self._sessions() as session:
            recent = session.scalars(
                sa.select(PasswordFailure.at)
                .where(self._of(key), PasswordFailure.at > now - self.limit.window_s)
                .order_by(PasswordFailure.at.desc()).limit(self.limit.failures)).all()
        if len(recent) < self.limit.failures:
            return 0
        return max(1, math.ceil(recent[-1] + self.limit.window_s - now))

    def fail(self, key: str) -> None:
        with self._sessions.begin() as session:
            now = self._forget_old(session)
            session.add(PasswordFailure(scope=self.scope, key=key[:self.MAX_KEY], at=now))

    def clear(self, key: str) -> None:
        with self._sessions.begin() as session:
            self._forget_old(session)
            session.execute(sa.delete(PasswordFailure).where(self._of(key)))

    def _forget_old(self, session: Session) -> float:
        # The keys are addresses people typed and client IPs: failures that left the
        # window no longer count, so they are not kept either (at every failure and
        # every successful sign-in).
        now = self._clock()
        session.execute(sa.delete(PasswordFailure).where(
            PasswordFailure.scope == self.scope,
            PasswordFailure.at <= now - self.limit.window_s))
        return now


class Throttle:
    """The app's counters: password failures per account and per client address (in the
    database), token failures per client address (in memory; kept apart, so a password
    burst from an office does not stop its integrations)."""

    def __init__(self, sessions: sessionmaker[Session], account: Limit = ACCOUNT_LIMIT,
                 password_address: Limit = PASSWORD_ADDRESS_LIMIT,
                 token_address: Limit = TOKEN_ADDRESS_LIMIT,
                 clock: Callable[[], float] = time.time) -> None:
        self.accounts = StoredFailureCounter(account, "account", sessions, clock)
        self.password_addresses = StoredFailureCounter(password_address, "address", sessions,
                                                       clock)
        self.token_addresses = FailureCounter(token_address, clock)
        self.devices = StoredFailureCounter(account, "device", sessions, clock)
        self.registrations = StoredFailureCounter(REGISTRATION_LIMIT, "registration", sessions,
                                                  clock)
        self.invitations = StoredFailureCounter(INVITATION_LIMIT, "invitation", sessions, clock)
        self.link_clients = StoredFailureCounter(LINK_CLIENT_LIMIT, "link-client", sessions,
                                                 clock)
        self.link_accounts = StoredFailureCounter(LINK_ACCOUNT_LIMIT, "link-account", sessions,
                                                  clock)

    def attempt(self, counter: StoredFailureCounter, key: str | None = None) -> int:
        """Count one attempt of this client (or of `key`), or, past the limit, the seconds
        it must wait (a refused attempt is not counted)."""
        key = key if key is not None else _address()
        wait = counter.retry_after(key)
        if not wait:
            counter.fail(key)
        return wait

    def password_wait(self, email: str, device: str | None = None) -> int:
        """Seconds before this client may try a password for `email`; 0: it may now.
        `device`: the key of a browser that signed in to this account before, whose own
        count replaces the account's."""
        own = self.devices.retry_after(device) if device else \
            self.accounts.retry_after(_account(email))
        return max(self.password_addresses.retry_after(_address()), own)

    def check_password(self, email: str, device: str | None = None) -> None:
        """Raise 429 with Retry-After when this client or this account (or this known
        device) failed too often."""
        refuse(self.password_wait(email, device))

    def password_failed(self, email: str, device: str | None = None) -> None:
        self.password_addresses.fail(_address())
        if device:
            self.devices.fail(device)
        else:
            self.accounts.fail(_account(email))

    def password_succeeded(self, email: str, device: str | None = None) -> None:
        self.accounts.clear(_account(email))
        if device:
            self.devices.clear(device)

    def link_request(self, email: str) -> int:
        """Count a request for a sign-in link to `email` from this client, or, past the
        limit of either, the seconds to wait (counted alike for unknown addresses)."""
        wait = max(self.link_clients.retry_after(_address()),
                   self.link_accounts.retry_after(_account(email)))
        if not wait:
            self.link_clients.fail(_address())
            self.link_accounts.fail(_account(email))
        return wait

    def check_link_code(self) -> None:
        """Wrong sign-in link codes count as wrong passwords from this client."""
        refuse(self.password_addresses.retry_after(_address()))

    def link_code_failed(self) -> None:
        self.password_addresses.fail(_address())

    def check_token(self) -> None:
        refuse(self.token_addresses.retry_after(_address()))

    def token_failed(self) -> None:
        self.token_addresses.fail(_address())


def refuse(wait: int) -> None:
    """Raise 429 with Retry-After when `wait` seconds remain."""
    if wait:
        raise TooManyRequests("too many failed attempts; wait before trying again",
                              retry_after=wait)


def _account(email: str) -> str:
    return email.strip().lower()


def _address() -> str:
    # Behind a reverse proxy, ProxyFix (README, production) puts the client's address here.
    return request.remote_addr or "unknown"


def throttle() -> Throttle:
    return current_app.extensions["matchmaker.throttle"]


def install(app) -> None:
    app.extensions["matchmaker.throttle"] = Throttle(app.extensions["matchmaker.sessions"])
