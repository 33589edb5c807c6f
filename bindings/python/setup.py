"""setuptools hook of pyproject.toml: the package version, read from the C ABI's header.

socle has one version, the ``SOCLE_VERSION_*`` macros of include/socle/socle.h; CMake, pkg-config,
conan and this package all read it there. pip builds a local directory in place, so the header is
two directories up from this file.
"""

import re
from pathlib import Path

from setuptools import setup

HEADER = Path(__file__).resolve().parent.parent.parent / "include" / "socle" / "socle.h"


def header_version() -> str:
    try:
        text = HEADER.read_text(encoding="utf-8")
    except OSError as e:
        raise SystemExit(f"socle: cannot read the version from {HEADER}: {e}; build the package "
                         "from a socle source tree (bindings/python next to include/)") from e
    parts = []
    for part in ("MAJOR", "MINOR", "PATCH"):
        match = re.search(rf"^#define SOCLE_VERSION_{part} (\d+)$", text, re.MULTILINE)
        if match is None:
            raise SystemExit(f"socle: {HEADER} has no SOCLE_VERSION_{part}")
        parts.append(match.group(1))
    return ".".join(parts)


setup(version=header_version())
