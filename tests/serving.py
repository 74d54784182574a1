"""An app served over real HTTP on a free local port, in a thread, for the tests."""
from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import ThreadedWSGIServer

# How often the server loop looks whether it should stop: the default 0.5 s is paid at
# every shutdown, i.e. by every test with a server of its own.
POLL_SECONDS = 0.02
# How long the end of the block waits for requests still running (a browser's idle
# keep-alive connection would keep its thread forever)
DRAIN_SECONDS = 10.0


class _Server(ThreadedWSGIServer):
    """Werkzeug's threaded server, which keeps its request threads to wait for them: a
    response's work after it is sent (the app refreshes its suggestion index then) must
    end before the test's database goes, or it holds a connection the test disposed of."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.request_threads: list[threading.Thread] = []

    def process_request(self, request, client_address) -> None:
        thread = threading.Thread(target=self.process_request_thread,
                                  args=(request, client_address), daemon=True)
        self.request_threads = [t for t in self.request_threads if t.is_alive()] + [thread]
        thread.start()

    def drain(self, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        for thread in self.request_threads:
            thread.join(max(0.0, deadline - time.monotonic()))


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` while the block runs; yields its base URL. The block ends once the
    requests it sent have ended, their after-response work included."""
    server = _Server("127.0.0.1", 0, app)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
        server.drain(DRAIN_SECONDS)
