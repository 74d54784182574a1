"""/api/docs serves Swagger UI from the app itself, under the app's CSP."""
from __future__ import annotations

import re
import urllib.request

import pytest


def _get(url: str) -> tuple[int, dict, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.status, dict(response.headers), response.read()


@pytest.fixture
def docs_page(live_api):
    return live_api, _get(f"{live_api}/api/docs")


def test_docs_page_loads_only_local_assets_and_no_inline_script(docs_page):
    base, (status, headers, body) = docs_page
    html = body.decode()
    assert status == 200 and "text/html" in headers["Content-Type"]
    sources = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert sources and all(s.startswith("/") for s in sources), sources
    assert "<script>" not in html and "script-src 'self'" in headers["Content-Security-Policy"]
    for source in sources:
        asset_status, asset_headers, asset = _get(base + source)
        assert asset_status == 200 and len(asset) > 100, source
    assert 'data-spec-url="/api/openapi.json"' in html


def test_the_spec_the_page_reads_is_the_api_document(docs_page):
    base, _ = docs_page
    status, _, body = _get(f"{base}/api/openapi.json")
    assert status == 200 and b'"openapi": "3.0.3"' in body.replace(b'":"', b'": "')


def test_unknown_asset_is_a_404(live_api):
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(f"{live_api}/api/docs/assets/../../setup.cfg")
    err.value.close()
    assert err.value.code == 404
