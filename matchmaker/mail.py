"""Sending e-mail: over SMTP when `settings.smtp_url` is set, otherwise into an outbox
folder of .eml files under `settings.home` (what the demo shows).

`smtp://host:port` sends in clear (a local relay), `smtp+starttls://` upgrades
the connection, `smtps://` is TLS from the start; user and password may be
given in the URL.
"""
from __future__ import annotations

import smtplib
import ssl
import uuid
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Settings


@dataclass(frozen=True)
class Mail:
    to: str
    subject: str
    body: str


class Mailer:
    """Delivers `Mail`s as configured; built once per app from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.smtp_url = settings.smtp_url
        self.sender = settings.mail_from
        self.outbox = settings.home / "outbox"

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = self.sender, mail.to, mail.subject
        message["Message-ID"] = f"<{uuid.uuid4().hex}@matchmaker>"
        message.set_content(mail.body)
        return message

    def send(self, mails: list[Mail]) -> None:
        """Deliver every mail; over SMTP in one connection."""
        if not mails:
            return
        messages = [self._message(m) for m in mails]
        if not self.smtp_url:
            self.outbox.mkdir(parents=True, exist_ok=True)
            for message in messages:
                name = message["Message-ID"].strip("<>").split("@")[0]
                (self.outbox / f"{name}.eml").write_bytes(message.as_bytes())
            return
        url = urlsplit(self.smtp_url)
        port = url.port or (465 if url.scheme == "smtps" else 25)
        client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        with client_class(url.hostname or "localhost", port, timeout=30) as client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            for message in messages:
                client.send_message(message)

    def outbox_files(self) -> list[Path]:
        return sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []

    def forget(self, address: str) -> int:
        """Delete outbox files addressed to or mentioning `address` (GDPR erasure)."""
        removed = 0
        needle = address.lower().encode()
        for path in self.outbox_files():
            if needle in path.read_bytes().lower():
                path.unlink()
                removed += 1
        return removed
