"""A minimal stand-in for the `conan` package (Conan 2), enough to import socle's recipes and run
their pure-Python methods (requirements, build_requirements, export_sources, package_info).

Conan is not in Debian's archive, so tests/conan imports conan/conanfile.py against this module.
It records what a recipe declares instead of resolving anything; attributes a recipe reads and
this stand-in does not know raise AttributeError, so a recipe that starts using something new
fails loudly here rather than passing silently.
"""

from conan.internal import ConanFile  # noqa: F401

__all__ = ["ConanFile"]
