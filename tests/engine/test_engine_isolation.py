"""The engine is a plain library: importing it (and every module in it) pulls in no web framework."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = ("django", "channels", "channels_redis", "redis", "daphne", "designer")

PROBE = """
import importlib, json, pkgutil, sys
import engine
for module in pkgutil.walk_packages(engine.__path__, "engine."):
    importlib.import_module(module.name)
print(json.dumps(sorted(sys.modules)))
"""


def test_importing_every_engine_module_loads_no_django_channels_redis_or_designer_module():
    env = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run(
        [sys.executable, "-c", PROBE], cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    modules = json.loads(result.stdout)
    assert "engine" in modules
    leaked = [name for name in modules if name.split(".")[0] in FORBIDDEN]
    assert leaked == []
