#!/usr/bin/python3
"""Generates socle/_cdef.py, the cffi declarations of the C ABI, from include/socle/socle.h.

The work is done by bindings/generate.py, the one generator of every binding's low-level layer
(Python, PHP, Java); this entry point only writes or checks the Python file. Run that script to
regenerate all of them at once.

Usage::

    /usr/bin/python3 bindings/python/generate_cdef.py            # rewrite socle/_cdef.py
    /usr/bin/python3 bindings/python/generate_cdef.py --check    # exit 1 with a diff if stale
"""

from __future__ import annotations

import argparse
import shlex
import sys
from pathlib import Path
from typing import Optional, Sequence

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import generate as _generate  # noqa: E402  (bindings/generate.py)

del sys.path[0]

GeneratorError = _generate.GeneratorError
SKIPPED_MACROS = _generate.SKIPPED_MACROS
DEFAULT_HEADER = _generate.DEFAULT_HEADER
DEFAULT_OUTPUT = _generate.BINDINGS / _generate.PYTHON_CDEF
build_cdef = _generate.build_cdef
render_module = _generate.render_cdef_module


def generate(header: Path = DEFAULT_HEADER, cc: Optional[Sequence[str]] = None) -> str:
    """Returns the text _cdef.py must have for `header`, after checking that cffi parses it."""
    parsed = _generate.read_header(Path(header).read_text(encoding="utf-8"), cc)
    return _generate.generate_python(parsed, _generate._relative(Path(header)))


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--header", type=Path, default=DEFAULT_HEADER, help="path of socle.h")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT, help="path of _cdef.py")
    parser.add_argument("--cc", help="C compiler used as preprocessor (default: $CC or cc)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff if the output is not up to date")
    args = parser.parse_args(argv)

    cc = shlex.split(args.cc) if args.cc else None
    try:
        expected = generate(args.header, cc)
    except (GeneratorError, OSError) as e:
        print(f"generate_cdef: {e}", file=sys.stderr)
        return 2
    return _generate.write_or_check({args.output: expected}, args.check, "generate_cdef")


if __name__ == "__main__":
    sys.exit(main())
