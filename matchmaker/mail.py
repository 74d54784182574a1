"""Sending e-mail: over SMTP when `settings.smtp_url` is set, otherwise into an outbox
folder of .eml files under `settings.home` (what the demo shows).

`smtp://host:port` sends in clear (a local relay), `smtp+starttls://` upgrades
the connection, `smtps://` is TLS from the start; user and password may be
given in the URL.
"""
from __future__ import annotations

import html
import smtplib
import ssl
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import formataddr
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Settings


@dataclass(frozen=True)
class Mail:
    """One message; `from_name` is shown before the service's own address (the hub's
    name), `reply_to` is where answers go (the hub's facilitator)."""

    to: str
    subject: str
    body: str
    from_name: str | None = None
    reply_to: str | None = None


def _headers(part: Message) -> list[str]:
    lines = []
    for key in part.keys():
        try:
            # the policy decodes encoded words (=?utf-8?q?...?=) and unfolds long lines
            lines += [f"{key}: {value}" for value in part.get_all(key, [])]
        except (ValueError, TypeError, LookupError):
            lines.append(f"{key}: {part.get(key, '')}")
    return lines


def _body(part: Message) -> str:
    payload = part.get_payload(decode=True) or b""  # undoes quoted-printable and base64
    try:
        text = payload.decode(part.get_content_charset() or "utf-8", errors="replace")
    except LookupError:  # a charset Python does not know
        text = payload.decode("utf-8", errors="replace")
    return html.unescape(text) if part.get_content_type() == "text/html" else text


def decoded_text(raw: bytes) -> str:
    """A mail as its reader sees it: every header and every part's body decoded (encoded
    words, quoted-printable with its soft line breaks, base64, charsets, HTML entities), so
    that what it says can be searched for."""
    message = message_from_bytes(raw, policy=policy.default)
    lines: list[str] = []
    for part in message.walk():
        lines += _headers(part)
        if not part.is_multipart():
            lines.append(_body(part))
    return "\n".join(lines)


class Mailer:
    """Delivers `Mail`s as configured; built once per app from the settings."""

    def __init__(self, settings: Settings) -> None:
        self.smtp_url = settings.smtp_url
        self.sender = settings.mail_from
        self.outbox = settings.home / "outbox"

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((mail.from_name, self.sender)) if mail.from_name \
            else self.sender
        message["To"], message["Subject"] = mail.to, mail.subject
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
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

    def forget(self, holds: Callable[[bytes], bool]) -> int:
        """Delete the outbox mails for which `holds(raw mail)` is true (GDPR erasure: see
        `gdpr.Traces.found_in_mail`); returns how many."""
        removed = 0
        for path in self.outbox_files():
            if holds(path.read_bytes()):
                path.unlink()
                removed += 1
        return removed
