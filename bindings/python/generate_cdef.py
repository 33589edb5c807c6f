#!/usr/bin/python3
"""Generates socle/_cdef.py, the cffi declarations of the C ABI, from include/socle/socle.h.

The header is the single source of truth (STYLE.md, "Python bindings"). This script:

1. removes the ``#include`` lines of the header, so that only socle's own declarations survive
   preprocessing (cffi itself knows ``size_t``, ``int32_t``, ``uint8_t``…);
2. runs the system C preprocessor on it (``cc -E -P -DSOCLE_API=``), in C mode so that the
   ``extern "C"`` block disappears, and normalises the whitespace of what comes out, so the result
   does not depend on the preprocessor's layout;
3. re-adds the integer ``#define``s of the header (``SOCLE_OK``, ``SOCLE_E_*``…) with their values
   evaluated, because cffi's ``cdef`` only accepts ``#define NAME <integer>``;
4. checks that cffi parses the result, and writes ``socle/_cdef.py``.

Usage::

    /usr/bin/python3 bindings/python/generate_cdef.py            # rewrite socle/_cdef.py
    /usr/bin/python3 bindings/python/generate_cdef.py --check    # exit 1 with a diff if stale
"""

from __future__ import annotations

import argparse
import ast
import difflib
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence

HERE = Path(__file__).resolve().parent
DEFAULT_HEADER = HERE.parent.parent / "include" / "socle" / "socle.h"
DEFAULT_OUTPUT = HERE / "socle" / "_cdef.py"

# Macros of the header that are not constants for Python: the export macro and the include guard.
# Any other macro that does not evaluate to an integer is an error, so that nothing the header
# adds is silently dropped; list it here if it really has no place in the bindings.
SKIPPED_MACROS = frozenset({"SOCLE_API", "SOCLE_SOCLE_H_"})

_MARKER = "__socle_cdef_macro__"
_INCLUDE_RE = re.compile(r"^[ \t]*#[ \t]*include\b.*$", re.MULTILINE)
_DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(\()?", re.MULTILINE)
_INT_SUFFIX_RE = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU])\b")


class GeneratorError(Exception):
    """The header contains something this generator cannot translate."""


def _evaluate(expression: str) -> int:
    """Evaluates a preprocessed C integer constant expression (literals, + - * / % << >> & | ^ ~,
    parentheses). Anything else raises GeneratorError."""
    python = _INT_SUFFIX_RE.sub(r"\1", expression.strip())
    python = re.sub(r"\b0([0-7]+)\b", r"0o\1", python)  # C octal literals
    try:
        tree = ast.parse(python, mode="eval")
    except SyntaxError as e:
        raise GeneratorError(f"not an integer expression: {expression!r}") from e

    binary: Dict[type, Callable[[int, int], int]] = {
        ast.Add: lambda a, b: a + b,
        ast.Sub: lambda a, b: a - b,
        ast.Mult: lambda a, b: a * b,
        # C division and remainder truncate toward zero.
        ast.Div: lambda a, b: abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1),
        ast.Mod: lambda a, b: a - b * (abs(a) // abs(b) * (1 if (a >= 0) == (b >= 0) else -1)),
        ast.LShift: lambda a, b: a << b,
        ast.RShift: lambda a, b: a >> b,
        ast.BitAnd: lambda a, b: a & b,
        ast.BitOr: lambda a, b: a | b,
        ast.BitXor: lambda a, b: a ^ b,
    }
    unary: Dict[type, Callable[[int], int]] = {
        ast.USub: lambda a: -a,
        ast.UAdd: lambda a: a,
        ast.Invert: lambda a: ~a,
    }

    def walk(node: ast.AST) -> int:
        if isinstance(node, ast.Expression):
            return walk(node.body)
        if isinstance(node, ast.Constant) and type(node.value) is int:
            return node.value
        if isinstance(node, ast.BinOp) and type(node.op) in binary:
            return binary[type(node.op)](walk(node.left), walk(node.right))
        if isinstance(node, ast.UnaryOp) and type(node.op) in unary:
            return unary[type(node.op)](walk(node.operand))
        raise GeneratorError(f"not an integer expression: {expression!r}")

    return walk(tree)


def _format_declarations(text: str) -> str:
    """One declaration per line, struct members indented: a layout that depends only on the
    tokens, not on how the preprocessor happened to keep the header's whitespace."""
    flat = " ".join(text.split())
    flat = re.sub(r"\s*([;{}(),])\s*", r"\1", flat)
    flat = flat.replace(",", ", ")
    lines: List[str] = []
    current = ""
    depth = 0
    for char in flat:
        if char == "{":
            lines.append("    " * depth + current.strip() + " {")
            current = ""
            depth += 1
        elif char == "}":
            if current.strip():
                lines.append("    " * depth + current.strip())
            depth -= 1
            current = "} "
        elif char == ";":
            lines.append("    " * depth + current.strip() + ";")
            current = ""
        else:
            current += char
    if current.strip() or depth != 0:
        raise GeneratorError(f"unbalanced declarations near: {current.strip()!r}")
    return "\n".join(lines)


def _preprocess(source: str, cc: Sequence[str]) -> str:
    command = [*cc, "-E", "-P", "-x", "c", "-std=c11", "-DSOCLE_API=", "-"]
    try:
        result = subprocess.run(command, input=source, capture_output=True, text=True, check=False)
    except OSError as e:
        raise GeneratorError(f"cannot run the C preprocessor {command[0]!r}: {e}") from e
    if result.returncode != 0:
        raise GeneratorError(f"{shlex.join(command)} failed:\n{result.stderr}")
    return result.stdout


def build_cdef(header_text: str, cc: Optional[Sequence[str]] = None) -> str:
    """Returns the cffi declarations (the value of CDEF) for the text of socle.h."""
    if cc is None:
        cc = shlex.split(os.environ.get("CC", "cc"))
    without_includes = _INCLUDE_RE.sub("", header_text)

    # Every object-like macro, in the order of the header; each is expanded by the preprocessor
    # itself on a marker line appended after the header, so conditionals and macros built from
    # other macros (SOCLE_VERSION_NUMBER) come out as the compiler sees them.
    names: List[str] = []
    for match in _DEFINE_RE.finditer(without_includes):
        name, function_like = match.group(1), match.group(2)
        if name in SKIPPED_MACROS or name in names:
            continue
        if function_like:
            raise GeneratorError(f"function-like macro {name} has no cffi equivalent; "
                                 "add it to SKIPPED_MACROS if the bindings do not need it")
        names.append(name)
    markers = "".join(f"\n{_MARKER} {i} {name}\n" for i, name in enumerate(names))
    output = _preprocess(without_includes + markers, cc)

    declarations: List[str] = []
    values: Dict[int, str] = {}
    for line in output.splitlines():
        if line.startswith(_MARKER):
            _, index, expansion = line.split(" ", 2)
            values[int(index)] = expansion
        else:
            declarations.append(line)

    defines: List[str] = []
    for i, name in enumerate(names):
        expansion = values.get(i, "").strip()
        if expansion == name:  # not defined in C mode with SOCLE_API empty
            continue
        if not expansion:
            raise GeneratorError(
                f"macro {name} is empty; add it to SKIPPED_MACROS if it is a guard")
        try:
            value = _evaluate(expansion)
        except GeneratorError as e:
            raise GeneratorError(f"macro {name}: {e}; add it to SKIPPED_MACROS if the bindings "
                                 "do not need it") from None
        defines.append(f"#define {name} {value}")

    body = _format_declarations("\n".join(declarations))
    # With the #include lines gone, whatever is left comes from socle.h; STYLE.md wants every
    # name it declares to carry the socle_ prefix, so anything else is a mistake in the header.
    for line in body.splitlines():
        if not line.startswith((" ", "}")) and "socle_" not in line:
            raise GeneratorError(f"declaration without the socle_ prefix: {line!r}")
    return "\n".join(defines) + "\n\n" + body + "\n"


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(HERE.parent.parent).as_posix()
    except ValueError:
        return path.as_posix()


def render_module(cdef: str, header_name: str = "include/socle/socle.h") -> str:
    """Returns the text of socle/_cdef.py for the declarations `cdef`."""
    if '"""' in cdef or "\\" in cdef:
        raise GeneratorError("the declarations contain characters that need escaping")
    return (
        f"# Generated by bindings/python/generate_cdef.py from {header_name}: do not edit.\n"
        "# Regenerate with `/usr/bin/python3 bindings/python/generate_cdef.py`; a test fails when\n"
        "# this file and the header disagree.\n"
        '"""cffi declarations of the socle C ABI."""\n'
        "\n"
        f'CDEF = """\\\n{cdef}"""\n'
    )


def generate(header: Path = DEFAULT_HEADER, cc: Optional[Sequence[str]] = None) -> str:
    """Returns the text _cdef.py must have for `header`, after checking that cffi parses it."""
    cdef = build_cdef(Path(header).read_text(encoding="utf-8"), cc)
    try:
        import cffi
    except ImportError:  # checking is a convenience; the tests import cffi anyway
        pass
    else:
        try:
            cffi.FFI().cdef(cdef)
        except cffi.CDefError as e:
            raise GeneratorError(f"cffi rejects the generated declarations: {e}") from e
    return render_module(cdef, _relative(Path(header)))


def _diff(expected: str, actual: str, path: Path) -> str:
    return "".join(difflib.unified_diff(
        actual.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile=f"{path} (committed)", tofile=f"{path} (generated)"))


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
    try:
        actual = args.output.read_text(encoding="utf-8")
    except FileNotFoundError:
        actual = ""
    if args.check:
        if actual != expected:
            sys.stdout.write(_diff(expected, actual, args.output))
            print(f"generate_cdef: {args.output} is out of date; run {Path(__file__).name}",
                  file=sys.stderr)
            return 1
        return 0
    if actual != expected:
        args.output.write_text(expected, encoding="utf-8")
        print(f"generate_cdef: wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
