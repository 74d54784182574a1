"""An app served over real HTTP on a free local port, in a thread, for the tests."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server
from werkzeug.wsgi import ClosingIterator

# How often the server loop looks whether it should stop: the default 0.5 s is paid at
# every shutdown, i.e. by every test with a server of its own.
POLL_SECONDS = 0.02
# How long the end of the block waits for requests still running
DRAIN_SECONDS = 10.0


class _Counted:
    """The app, keeping the requests it is in until their response is closed: what the
    app does after a response is sent (it refreshes its suggestion index then) must end
    before the test's database goes, or it holds a connection the test disposed of.
    Werkzeug runs requests in daemon threads nobody waits for, a thread may idle on a
    browser's keep-alive connection long after, and when the browser drops a connection
    Werkzeug never closes that response: a request counts until its response is closed
    or its thread has ended."""

    def __init__(self, app) -> None:
        self.app = app
        self._running: dict[object, threading.Thread] = {}
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        token = object()
        with self._changed:
            self._running[token] = threading.current_thread()
        try:
            return ClosingIterator(self.app(environ, start_response),
                                   [lambda: self._done(token)])
        except BaseException:
            self._done(token)
            raise

    def _done(self, token: object) -> None:
        with self._changed:
            self._running.pop(token, None)
            self._changed.notify_all()

    def drain(self, seconds: float) -> bool:
        """Wait until no request is running (at most `seconds`); True when none is."""
        deadline = time.monotonic() + seconds
        with self._changed:
            while any(thread.is_alive() for thread in self._running.values()):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.05))   # a thread's end is not notified
        return True


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` while the block runs; yields its base URL. The block ends once the
    requests sent to it have ended, their work after the response included."""
    counted = _Counted(app)
    server = make_server("127.0.0.1", 0, counted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        counted.drain(DRAIN_SECONDS)
