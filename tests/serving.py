"""An app served over real HTTP on a free local port, in a thread, for the tests."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

from werkzeug.serving import make_server

# How often the server loop looks whether it should stop: the default 0.5 s is paid at
# every shutdown, i.e. by every test with a server of its own.
POLL_SECONDS = 0.02


@contextmanager
def serving(app) -> Iterator[str]:
    """Serve `app` while the block runs; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                              daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
