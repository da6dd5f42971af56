"""Shared pytest setup for every suite (tests/engine, tests/designer, tests/e2e).

Tests under tests/e2e get the `e2e` marker (`pytest -m "not e2e"` runs everything that needs no
browser) and always run last: while Playwright's browser is open, the test process has a running
asyncio loop, so `asyncio.run` and Django's ORM would fail in any test that came after them.
Django is configured by pytest-django from pyproject.toml; tests/engine needs none of it and also
runs with `pytest -p no:django tests/engine`.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
E2E_DIR = REPO_ROOT / "tests" / "e2e"


def _is_e2e(item) -> bool:
    return E2E_DIR in Path(str(item.path)).parents


@pytest.hookimpl(trylast=True)  # after pytest-django sorts by database use
def pytest_collection_modifyitems(config, items):
    for item in items:
        if _is_e2e(item):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=_is_e2e)  # stable: the order within each group is kept


@pytest.fixture(scope="session")
def moto_endpoint():
    """moto's server on 127.0.0.1 (a free port) for the whole session: see tests/aws_endpoint.py."""
    from tests.aws_endpoint import MotoEndpoint

    endpoint = MotoEndpoint().start()
    try:
        yield endpoint
    finally:
        endpoint.stop()
