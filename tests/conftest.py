"""Shared pytest setup for every suite (tests/engine, tests/designer, tests/e2e).

Tests under tests/e2e get the `e2e` marker automatically, so `pytest -m "not e2e"` runs
everything that needs no browser. Django is configured by pytest-django from pyproject.toml;
tests/engine needs none of it and also runs with `pytest -p no:django tests/engine`.
"""

from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parent.parent
E2E_DIR = REPO_ROOT / "tests" / "e2e"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)
