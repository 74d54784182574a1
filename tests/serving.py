"""An app served over real HTTP on a free local port, in a thread, for the tests."""
from __future__ import annotations

import threading
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
    """The app, counting the requests it is in, until their response is closed: what the
    app does after a response is sent (it refreshes its suggestion index then) must end
    before the test's database goes, or it holds a connection the test disposed of.
    Werkzeug runs requests in daemon threads nobody waits for, and a thread idle on a
    browser's keep-alive connection may live on, so the count, not the threads, tells."""

    def __init__(self, app) -> None:
        self.app = app
        self._busy = 0
        self._changed = threading.Condition()

    def __call__(self, environ, start_response):
        with self._changed:
            self._busy += 1
        try:
            return ClosingIterator(self.app(environ, start_response), [self._done])
        except BaseException:
            self._done()
            raise

    def _done(self) -> None:
        with self._changed:
            self._busy -= 1
            self._changed.notify_all()

    def drain(self, seconds: float) -> bool:
        """Wait until no request is running (at most `seconds`); True when none is."""
        with self._changed:
            return self._changed.wait_for(lambda: self._busy == 0, timeout=seconds)


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
