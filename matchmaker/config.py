"""Settings, read from the environment once and passed down explicitly.

Every setting has an embedded default so that `make demo` needs nothing:
a SQLite file and the stored suggestion index under `var/`, the bundled multilingual
embedding model.
"""
from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field, replace
from pathlib import Path

from indexing.vector_index import DEFAULT_ANN_THRESHOLD


def _default_home() -> Path:
    return Path(os.environ.get("MATCHMAKER_HOME", "var")).resolve()


def _weights(text: str) -> tuple[tuple[str, float], ...]:
    """MATCHMAKER_OBJECTIVE_WEIGHTS ("networking=1,awareness=1,...") or the defaults."""
    if not text.strip():
        return Settings.objective_weights
    from matchmaker.reports.programme import parse_weights

    try:
        return tuple(parse_weights(text).items())
    except ValueError as err:
        raise ValueError(f"MATCHMAKER_OBJECTIVE_WEIGHTS: {err}") from err


@dataclass(frozen=True)
class Settings:
    home: Path = field(default_factory=_default_home)
    database_url: str = ""
    secret_key: str = ""
    # Embedding backend: "use-multilingual" (bundled, default) or "sentence-transformers".
    embedder: str = "use-multilingual"
    # For the sentence-transformers backend: a local model folder; empty = bundled all-MiniLM-L6-v2.
    embedder_model_path: str = ""
    # From this many vectors on an approximate (HNSW) index replaces exact search; 0: never.
    ann_threshold: int = DEFAULT_ANN_THRESHOLD
    max_per_organisation: int = 2
    # Where `matchmaker index` stores the suggestion index for workers to load; None:
    # `home`/index. Several hosts: a shared path, or `matchmaker index` on each host.
    index_dir: Path | None = None
    # Session cookies only over HTTPS; on for any deployment behind TLS.
    secure_cookies: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted (0: none).
    trusted_proxies: int = 0
    smtp_url: str = ""
    mail_from: str = "matchmaker@localhost"
    # A queued mail the server did not take is tried again after this long (doubling).
    mail_retry_seconds: float = 60.0
    # Where people reach the site: the links in mails start with it (never a request's Host).
    public_url: str = "http://127.0.0.1:5000"
    # Contacts inactive for longer are erased by `matchmaker gdpr-retention` (GDPR storage limit).
    contact_retention_days: int = 3 * 365
    # Chromium that prints PDF reports; "" = Debian's /usr/bin/chromium (none: no PDF, said so).
    chromium: str = ""
    # How the programme weighs its four objectives in the hubs' scores (reports.programme).
    objective_weights: tuple[tuple[str, float], ...] = (
        ("networking", 1.0), ("awareness", 1.0), ("new_initiatives_social_impact", 2.0),
        ("new_assignments_social_economy", 2.0))

    @classmethod
    def from_env(cls, **overrides: object) -> Settings:
        env = os.environ
        home = Path(env.get("MATCHMAKER_HOME", "var")).resolve()
        s = cls(
            home=home,
            database_url=env.get("DATABASE_URL", f"sqlite:///{home / 'matchmaker.sqlite'}"),
            secret_key=env.get("SECRET_KEY", ""),
            embedder=env.get("MATCHMAKER_EMBEDDER", cls.embedder),
            embedder_model_path=env.get("MATCHMAKER_EMBEDDER_MODEL_PATH", ""),
            ann_threshold=int(env.get("MATCHMAKER_ANN_THRESHOLD", DEFAULT_ANN_THRESHOLD)),
            max_per_organisation=int(env.get("MATCHMAKER_MAX_PER_ORGANISATION", "2")),
            index_dir=(Path(env["MATCHMAKER_INDEX_DIR"]).resolve()
                       if env.get("MATCHMAKER_INDEX_DIR") else None),
            secure_cookies=env.get("SESSION_COOKIE_SECURE", "") == "1",
            trusted_proxies=int(env.get("MATCHMAKER_TRUSTED_PROXIES", "0") or 0),
            smtp_url=env.get("SMTP_URL", ""),
            mail_from=env.get("MAIL_FROM", cls.mail_from),
            mail_retry_seconds=float(env.get("MATCHMAKER_MAIL_RETRY_SECONDS", "60")),
            public_url=env.get("MATCHMAKER_PUBLIC_URL", cls.public_url),
            contact_retention_days=int(env.get("MATCHMAKER_CONTACT_RETENTION_DAYS", 3 * 365)),
            chromium=env.get("MATCHMAKER_CHROMIUM", ""),
            objective_weights=_weights(env.get("MATCHMAKER_OBJECTIVE_WEIGHTS", "")),
        )
        return replace(s, **overrides) if overrides else s

    @property
    def snapshot_dir(self) -> Path:
        """The folder of the stored suggestion index (matchmaker.snapshots)."""
        return self.index_dir or self.home / "index"

    @property
    def weights(self) -> dict[str, float]:
        return dict(self.objective_weights)

    def ensure_secret_key(self) -> str:
        """The configured key, or one kept in `home/secret_key` so sessions survive restarts."""
        if self.secret_key:
            return self.secret_key
        path = self.home / "secret_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(secrets.token_hex(32))
            path.chmod(0o600)
        return path.read_text().strip()
