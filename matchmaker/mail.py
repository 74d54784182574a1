"""Sending e-mail through a queue that survives a restart: every mail is first written as
an .eml file to `$MATCHMAKER_HOME/outbox/queue`, then delivered over SMTP when
`settings.smtp_url` is set, otherwise moved into the outbox folder itself (what the demo
shows). A mail the server did not take (down, refused for now) stays queued and is tried
again, from a timer that backs off, and on the next start: nothing a facilitator decided
is lost because SMTP was away. Only a permanent refusal (5xx) moves a mail aside, to
`outbox/undeliverable`, with a line in the log.

`smtp://host:port` sends in clear (a local relay), `smtp+starttls://` upgrades
the connection, `smtps://` is TLS from the start; user and password may be
given in the URL.
"""
from __future__ import annotations

import html
import logging
import os
import smtplib
import ssl
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy
from email.message import EmailMessage, Message
from email.utils import formataddr, formatdate
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .config import Settings

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Mail:
    """One message; `from_name` is shown before the service's own address (the hub's
    name), `reply_to` is where answers go (the hub's facilitator)."""

    to: str
    subject: str
    body: str
    from_name: str | None = None
    reply_to: str | None = None


def _one_line(text: str) -> str:
    """A header's text on one line: a subject or sender name holds what people typed (an
    organisation's name with a line break in it), and a line break in a header is refused
    by the email package (it would start a header of its own)."""
    return " ".join(text.split())


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
    """Queues and delivers `Mail`s as configured; built once per app from the settings.
    The service's own mailer `resume`s: it takes back what a stopped run was sending and
    delivers what is queued; a command that only erases leaves the queue to the service."""

    def __init__(self, settings: Settings, resume: bool = False) -> None:
        self.smtp_url = settings.smtp_url
        self.sender = settings.mail_from
        self.outbox = settings.home / "outbox"
        self.queue = self.outbox / "queue"
        self.undeliverable = self.outbox / "undeliverable"
        self.retry_seconds = settings.mail_retry_seconds
        self._timer: threading.Timer | None = None
        self._lock = threading.Lock()
        self._failures = 0
        if resume:
            self._reclaim()
            if self.queued_files():  # left by the last run: the server was away, or it stopped
                self._retry_later()

    def _message(self, mail: Mail) -> EmailMessage:
        message = EmailMessage()
        message["From"] = formataddr((_one_line(mail.from_name), self.sender)) \
            if mail.from_name else self.sender
        message["To"], message["Subject"] = mail.to, _one_line(mail.subject)
        if mail.reply_to:
            message["Reply-To"] = mail.reply_to
        message["Message-ID"] = f"<{uuid.uuid4().hex}@matchmaker>"
        message["Date"] = formatdate(localtime=False)
        message.set_content(mail.body)
        return message

    def send(self, mails: list[Mail]) -> None:
        """Queue every mail (on disk, before anything is tried), then deliver the queue."""
        if not mails:
            return
        self.queue.mkdir(parents=True, exist_ok=True)
        for mail in mails:
            message = self._message(mail)
            # named by time first, so the queue is delivered in the order it was filled
            name = f"{time.time_ns():020d}-{message['Message-ID'].strip('<>').split('@')[0]}"
            partial = self.queue / f"{name}.partial"
            partial.write_bytes(message.as_bytes())
            os.replace(partial, self.queue / f"{name}.eml")  # whole or not at all
        self.deliver()

    def deliver(self) -> int:
        """Deliver what is queued; returns how many left the queue. When the server cannot
        be reached, the rest stays queued and a later try is scheduled."""
        with self._lock:
            claimed = [c for c in (self._claim(p) for p in self.queued_files()) if c]
            if not claimed:
                return 0
            try:
                delivered = self._transport(claimed)
            except (OSError, smtplib.SMTPException) as err:
                logger.warning("mail server unavailable, %d mail(s) stay queued: %s",
                               len(claimed), err)
                delivered = 0
            for path in claimed[delivered:]:
                if path.exists():
                    os.replace(path, path.with_suffix(".eml"))
            if delivered < len(claimed):
                self._failures += 1
                self._retry_later()
            else:
                self._failures = 0
            return delivered

    def stop(self) -> None:
        """No more tries from this process (what is queued stays for the next start)."""
        if self._timer is not None:
            self._timer.cancel()

    def _claim(self, path: Path) -> Path | None:
        """Take a queued mail for this process (another worker may be taking it too)."""
        sending = path.with_suffix(".sending")
        try:
            os.replace(path, sending)
        except FileNotFoundError:
            return None
        return sending

    def _reclaim(self) -> None:
        # a mail being sent when the process stopped goes back into the queue
        if self.queue.exists():
            for path in self.queue.glob("*.sending"):
                os.replace(path, path.with_suffix(".eml"))

    def _retry_later(self) -> None:
        if self._timer is not None and self._timer.is_alive():
            return
        delay = min(self.retry_seconds * 2 ** min(self._failures, 6), 3600)
        self._timer = threading.Timer(delay, self._retry)
        self._timer.daemon = True
        self._timer.start()

    def _retry(self) -> None:
        self._timer = None
        try:
            self.deliver()
        except Exception:  # a timer thread must not die silently with mails queued
            logger.exception("delivering the mail queue failed")
            self._retry_later()

    def _transport(self, paths: list[Path]) -> int:
        """Hand the claimed mails over, in order; returns how many were taken. Raises when
        the server cannot be reached at all."""
        if not self.smtp_url:
            self.outbox.mkdir(parents=True, exist_ok=True)
            for path in paths:
                os.replace(path, self.outbox / path.with_suffix(".eml").name)
            return len(paths)
        url = urlsplit(self.smtp_url)
        port = url.port or (465 if url.scheme == "smtps" else 25)
        client_class = smtplib.SMTP_SSL if url.scheme == "smtps" else smtplib.SMTP
        delivered = 0
        with client_class(url.hostname or "localhost", port, timeout=30) as client:
            if url.scheme == "smtp+starttls":
                client.starttls(context=ssl.create_default_context())
            if url.username:
                client.login(unquote(url.username), unquote(url.password or ""))
            for path in paths:
                try:
                    client.send_message(message_from_bytes(path.read_bytes(),
                                                           policy=policy.default))
                except (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException) as err:
                    if not _permanent(err):
                        raise
                    self.undeliverable.mkdir(parents=True, exist_ok=True)
                    os.replace(path, self.undeliverable / path.with_suffix(".eml").name)
                    logger.error("mail %s refused for good: %s", path.stem, err)
                else:
                    path.unlink(missing_ok=True)  # a starting worker may have reclaimed it
                delivered += 1
        return delivered

    def queued_files(self) -> list[Path]:
        return sorted(self.queue.glob("*.eml")) if self.queue.exists() else []

    def outbox_files(self) -> list[Path]:
        """The mails delivered into the outbox folder (without SMTP)."""
        return sorted(self.outbox.glob("*.eml")) if self.outbox.exists() else []

    def forget(self, holds: Callable[[bytes], bool]) -> int:
        """Delete the kept mails (delivered to the outbox, queued, undeliverable) for which
        `holds(raw mail)` is true (GDPR erasure: see `gdpr.Traces.found_in_mail`);
        returns how many."""
        removed = 0
        with self._lock:
            folders = (self.outbox, self.queue, self.undeliverable)
            for path in [p for f in folders if f.exists() for p in sorted(f.glob("*.eml"))]:
                if holds(path.read_bytes()):
                    path.unlink()
                    removed += 1
        return removed


def _permanent(err: smtplib.SMTPException) -> bool:
    """A 5xx answer: trying again would not help."""
    if isinstance(err, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in err.recipients.values())
    return isinstance(err, smtplib.SMTPResponseException) and err.smtp_code >= 500
