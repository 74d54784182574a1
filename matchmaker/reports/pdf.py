"""HTML -> PDF with a headless Chromium (Debian's package), never a browser download.

The HTML is written to a private temporary folder and printed from there, so Chromium
needs no session and reaches no server; the document's own Content-Security-Policy
forbids scripts and every network request. One Chromium runs at a time per process
(each takes about 200 MB), and a document printed before is answered from a small cache
keyed by its exact HTML. Without Chromium, `Unavailable` says what to install.
"""
from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from collections import OrderedDict
from pathlib import Path

from matchmaker.errors import Unavailable

TIMEOUT_SECONDS = 90
CACHE_SIZE = 16
DEFAULT_LOCATIONS = ("/usr/bin/chromium", "chromium", "chromium-browser")
FLAGS = ("--headless", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run",
         "--disable-extensions", "--no-pdf-header-footer")

_lock = threading.Lock()
_cache: OrderedDict[str, bytes] = OrderedDict()


def find_chromium(configured: str = "") -> str | None:
    """The Chromium to print with: the configured path, else Debian's; None if absent."""
    for candidate in ((configured,) if configured else DEFAULT_LOCATIONS):
        found = shutil.which(candidate)
        if found:
            return found
    return None


def missing_message(configured: str = "") -> str:
    where = configured or "/usr/bin/chromium"
    return (f"PDF reports need Chromium, which is not installed at {where} on this server "
            "(Debian: apt-get install chromium; or set MATCHMAKER_CHROMIUM). The printable "
            "report page prints to PDF from any browser, and the Excel report needs nothing.")


def html_to_pdf(html: str, configured: str = "") -> bytes:
    """The PDF Chromium prints of `html` (A4 and margins come from the page's CSS);
    `configured` is the setting MATCHMAKER_CHROMIUM ("" = Debian's)."""
    chromium = find_chromium(configured)
    if chromium is None:
        raise Unavailable(missing_message(configured))
    key = hashlib.sha256(html.encode("utf-8")).hexdigest()
    with _lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key]
        pdf = _print(html, chromium)
        _cache[key] = pdf
        while len(_cache) > CACHE_SIZE:
            _cache.popitem(last=False)
        return pdf


def _print(html: str, chromium: str) -> bytes:
    with tempfile.TemporaryDirectory(prefix="matchmaker-pdf-") as folder:
        source, target = Path(folder, "report.html"), Path(folder, "report.pdf")
        source.write_text(html, encoding="utf-8")
        # Chromium's sandbox refuses to start as root (a container, CI); keep it otherwise.
        sandbox = ("--no-sandbox",) if os.geteuid() == 0 else ()
        command = [chromium, *FLAGS, *sandbox, f"--user-data-dir={Path(folder, 'profile')}",
                   f"--print-to-pdf={target}", source.as_uri()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT_SECONDS,
                                  check=False)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise Unavailable(f"Chromium could not print the report: {err}") from err
        pdf = target.read_bytes() if target.exists() else b""
        if done.returncode != 0 or not pdf.startswith(b"%PDF"):
            detail = done.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [""]
            raise Unavailable(f"Chromium could not print the report (exit {done.returncode}): "
                              f"{detail[0]}")
        return pdf
