from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module")
def chromium(request: pytest.FixtureRequest) -> Iterator[object]:
    """One browser for the module; its screenshots go to the module's `ARTIFACTS`."""
    from tests.e2e.browser import launched

    with launched(request.module.ARTIFACTS) as browser:
        yield browser
