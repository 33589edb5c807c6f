"""Shared fixtures of the Python binding tests.

CTest (tests/python/CMakeLists.txt) sets PYTHONPATH, SOCLE_LIBRARY, SOCLE_EXAMPLES_DIR,
SOCLE_INCLUDE_DIR and SOCLE_LIBRARY_DIR; run by hand, the tests fall back on the source tree and
need SOCLE_LIBRARY (see bindings/python/README.md).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDINGS = REPO / "bindings" / "python"
# Appended, so that PYTHONPATH (set by CTest) wins.
if str(BINDINGS) not in sys.path:
    sys.path.append(str(BINDINGS))

EXAMPLE_NAMES = ("ccas", "departement")


def env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value) if value else default


@pytest.fixture(scope="session")
def examples_dir() -> Path:
    return env_path("SOCLE_EXAMPLES_DIR", REPO / "examples")


@pytest.fixture(scope="session")
def include_dir() -> Path:
    return env_path("SOCLE_INCLUDE_DIR", REPO / "include")


@pytest.fixture(params=EXAMPLE_NAMES)
def example_path(request: pytest.FixtureRequest, examples_dir: Path) -> Path:
    """Each example policy in turn."""
    path = examples_dir / "policies" / f"{request.param}.textproto"
    assert path.is_file(), f"example policy {path} is missing"
    return path
