"""Stand-in of conan.tools.scm: Version compares dotted versions numerically."""

import functools
import re


@functools.total_ordering
class Version:
    def __init__(self, value):
        self._value = str(value)
        self._parts = tuple(int(p) if p.isdigit() else p
                            for p in re.split(r"[.\-+]", self._value) if p)

    def _key(self, other):
        other = other if isinstance(other, Version) else Version(other)
        width = max(len(self._parts), len(other._parts))
        pad = lambda parts: tuple(parts) + (0,) * (width - len(parts))  # noqa: E731
        return pad(self._parts), pad(other._parts)

    def __eq__(self, other):
        mine, theirs = self._key(other)
        return mine == theirs

    def __lt__(self, other):
        mine, theirs = self._key(other)
        return mine < theirs

    def __hash__(self):
        return hash(self._value)

    @property
    def major(self):
        return Version(self._parts[0])

    def __str__(self):
        return self._value
