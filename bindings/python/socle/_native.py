"""Loads libsocle through cffi in ABI mode (no compiler needed at install time).

The library is looked for, in order:

1. at the path in the environment variable ``SOCLE_LIBRARY`` (the only candidate when set: the
   tests point it at the build tree's library);
2. where ``cmake --install`` put it: an installed package holds ``_installed.py``, which names
   the library directory relative to the package (so a moved prefix still works);
3. next to this package (``libsocle.so.<major>``, then any ``libsocle.so*``), for a package that
   ships its own copy;
4. by its SONAME, ``libsocle.so.<major>``, through the dynamic linker: ``LD_LIBRARY_PATH``, the
   ``ldconfig`` cache, ``/lib`` and ``/usr/lib`` (a ``pip install`` next to a system-wide
   ``cmake --install``: run ``ldconfig`` after installing into ``/usr/local``).

``ffi`` and ``lib`` are the raw cffi objects; the public API in ``socle`` wraps them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import List, Tuple

import cffi

from ._cdef import CDEF

__all__ = ["ffi", "lib", "library_path", "LibraryNotFoundError"]


class LibraryNotFoundError(ImportError):
    """libsocle could not be found or loaded, or is not the version these bindings expect."""


ffi = cffi.FFI()
ffi.cdef(CDEF)


def _constant(name: str) -> int:
    """An integer #define of the declarations, before any library is loaded."""
    match = re.search(rf"^#define {name} (-?\d+)$", CDEF, re.MULTILINE)
    if match is None:
        raise ImportError(f"socle: {name} is missing from the generated declarations")
    return int(match.group(1))


def _candidates() -> List[Tuple[str, str]]:
    """(how it was found, what to dlopen), in order of preference."""
    found: List[Tuple[str, str]] = []
    explicit = os.environ.get("SOCLE_LIBRARY")
    if explicit:
        # An explicit choice is the only candidate: silently falling back to another copy would
        # hide a broken configuration.
        return [("SOCLE_LIBRARY", explicit)]
    here = Path(__file__).resolve().parent
    soname = f"libsocle.so.{_constant('SOCLE_VERSION_MAJOR')}"
    try:
        from ._installed import LIBRARY_DIR
    except ImportError:  # not installed by CMake (source tree, pip)
        pass
    else:
        found.append(("installed by cmake --install",
                      os.path.normpath(here / LIBRARY_DIR / soname)))
    bundled = sorted(here.glob("libsocle.so*"), key=lambda p: (p.name != soname, p.name))
    found.extend(("next to the package", str(p)) for p in bundled)
    found.append(("the dynamic linker's search path", soname))
    return found


def _load() -> Tuple[object, str]:
    tried: List[str] = []
    for how, name in _candidates():
        try:
            return ffi.dlopen(name), name
        except OSError as e:
            tried.append(f"  {name} ({how}): {e}")
    detail = "\n".join(tried) if tried else "  nothing found"
    raise LibraryNotFoundError(
        "cannot load libsocle; set SOCLE_LIBRARY to the path of libsocle.so.N, install socle "
        "where the dynamic linker finds it (then run ldconfig), or ship it next to the socle "
        "package. "
        f"Tried:\n{detail}")


def _check_version(loaded: object, name: str) -> None:
    """The declarations must match the loaded library: the same major version, and until 1.0
    (when the ABI may still change on purpose) the same minor version too."""
    expected = (_constant("SOCLE_VERSION_MAJOR"), _constant("SOCLE_VERSION_MINOR"))
    number = loaded.socle_version_number()  # type: ignore[attr-defined]
    actual = (number // 10000, number // 100 % 100)
    if actual[0] != expected[0] or (expected[0] == 0 and actual[1] != expected[1]) or (
            actual[1] < expected[1]):
        version = ffi.string(
            loaded.socle_version_string()).decode("ascii", "replace")  # type: ignore[attr-defined]
        raise LibraryNotFoundError(
            f"{name} is socle {version}, but these bindings were generated for "
            f"{expected[0]}.{expected[1]}; use the library they were built with")


lib, library_path = _load()
_check_version(lib, library_path)
