#!/usr/bin/python3
"""Generates the low-level layer of every binding from include/socle/socle.h.

The header is the single source of truth (STYLE.md, "Python bindings"; docs/c-api.md). From it
this script writes, and with ``--check`` verifies:

- ``python/socle/_cdef.py``: the cffi declarations of the Python binding;
- ``php/src/socle_ffi.h``: the C declarations PHP's ``FFI::cdef`` accepts (no ``#define``, no
  attribute, no ``#include``), and ``php/src/Native.php``: the header's constants as class
  constants of ``Socle\\Native``;
- ``java/src/main/java/fr/socle/jna/SocleLibrary.java``: the JNA interface (every function, the
  public structs as ``com.sun.jna.Structure`` classes, the callbacks as ``com.sun.jna.Callback``,
  the constants as ``int``/``long`` fields).

How the header is read:

1. the ``#include`` lines are removed, so that only socle's own declarations survive
   preprocessing;
2. the system C preprocessor runs on it (``cc -E -P -DSOCLE_API=``), in C mode so that the
   ``extern "C"`` block disappears, and the whitespace of what comes out is normalised, so the
   result does not depend on the preprocessor's layout;
3. every object-like ``#define`` is evaluated to an integer by the preprocessor itself (anything
   else is an error unless listed in SKIPPED_MACROS);
4. the declarations are parsed with pycparser (Debian's python3-pycparser, a dependency of
   python3-cffi) and each one is translated for Java; a declaration or a type this script does not
   know how to translate is an error, never silently dropped.

Usage::

    /usr/bin/python3 bindings/generate.py            # rewrite every generated file that changed
    /usr/bin/python3 bindings/generate.py --check    # write nothing; exit 1 with a diff if stale
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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

BINDINGS = Path(__file__).resolve().parent
REPO = BINDINGS.parent
DEFAULT_HEADER = REPO / "include" / "socle" / "socle.h"

# The generated files, relative to the bindings directory.
PYTHON_CDEF = Path("python/socle/_cdef.py")
PHP_HEADER = Path("php/src/socle_ffi.h")
PHP_CONSTANTS = Path("php/src/Native.php")
JAVA_PACKAGE = "fr.socle.jna"
JAVA_INTERFACE = Path("java/src/main/java/fr/socle/jna/SocleLibrary.java")
OUTPUTS = (PYTHON_CDEF, PHP_HEADER, PHP_CONSTANTS, JAVA_INTERFACE)

# Macros of the header that are not constants for the bindings: the export macro and the include
# guard. Any other macro that does not evaluate to an integer is an error, so that nothing the
# header adds is silently dropped; list it here if it really has no place in the bindings.
SKIPPED_MACROS = frozenset({"SOCLE_API", "SOCLE_SOCLE_H_"})

_MARKER = "__socle_cdef_macro__"
_INCLUDE_RE = re.compile(r"^[ \t]*#[ \t]*include\b.*$", re.MULTILINE)
_DEFINE_RE = re.compile(r"^[ \t]*#[ \t]*define[ \t]+([A-Za-z_][A-Za-z0-9_]*)(\()?", re.MULTILINE)
_INT_SUFFIX_RE = re.compile(r"\b(0[xX][0-9a-fA-F]+|\d+)(?:[uU]?[lL]{0,2}|[lL]{1,2}[uU])\b")


class GeneratorError(Exception):
    """The header contains something this generator cannot translate."""


# ---------------------------------------------------------------------------------------------
# Reading the header: constants and declarations.


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


@dataclass
class Header:
    """What socle.h declares: its integer constants, in order, and its declarations (one per line,
    C syntax without macros)."""
    constants: List[Tuple[str, int]]
    declarations: str


def read_header(header_text: str, cc: Optional[Sequence[str]] = None) -> Header:
    """Preprocesses the text of socle.h into its constants and declarations."""
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

    constants: List[Tuple[str, int]] = []
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
        constants.append((name, value))

    body = _format_declarations("\n".join(declarations))
    # With the #include lines gone, whatever is left comes from socle.h; STYLE.md wants every
    # name it declares to carry the socle_ prefix, so anything else is a mistake in the header.
    for line in body.splitlines():
        if not line.startswith((" ", "}")) and "socle_" not in line:
            raise GeneratorError(f"declaration without the socle_ prefix: {line!r}")
    return Header(constants, body)


def _relative(path: Path) -> str:
    try:
        return path.resolve().relative_to(REPO).as_posix()
    except ValueError:
        return path.as_posix()


# ---------------------------------------------------------------------------------------------
# Python: cffi declarations.


def _cdef_of(header: Header) -> str:
    # cffi's cdef only accepts `#define NAME <integer>`: hence the evaluated values.
    defines = [f"#define {name} {value}" for name, value in header.constants]
    return "\n".join(defines) + "\n\n" + header.declarations + "\n"


def build_cdef(header_text: str, cc: Optional[Sequence[str]] = None) -> str:
    """Returns the cffi declarations (the value of CDEF) for the text of socle.h."""
    return _cdef_of(read_header(header_text, cc))


def render_cdef_module(cdef: str, header_name: str = "include/socle/socle.h") -> str:
    """Returns the text of socle/_cdef.py for the declarations `cdef`."""
    if '"""' in cdef or "\\" in cdef:
        raise GeneratorError("the declarations contain characters that need escaping")
    return (
        f"# Generated by bindings/generate.py from {header_name}: do not edit.\n"
        "# Regenerate with `/usr/bin/python3 bindings/generate.py`; a test fails when\n"
        "# this file and the header disagree.\n"
        '"""cffi declarations of the socle C ABI."""\n'
        "\n"
        f'CDEF = """\\\n{cdef}"""\n'
    )


def generate_python(header: Header, header_name: str) -> str:
    cdef = _cdef_of(header)
    try:
        import cffi
    except ImportError:  # checking is a convenience; the Python tests import cffi anyway
        pass
    else:
        try:
            cffi.FFI().cdef(cdef)
        except cffi.CDefError as e:
            raise GeneratorError(f"cffi rejects the generated declarations: {e}") from e
    return render_cdef_module(cdef, header_name)


# ---------------------------------------------------------------------------------------------
# Parsing the declarations (for PHP's checks and for Java).

# The standard types the header may use, as pycparser needs them declared. Their C definitions do
# not matter: only their names are read back.
_STANDARD_TYPES = ("size_t", "int8_t", "uint8_t", "int16_t", "uint16_t", "int32_t", "uint32_t",
                   "int64_t", "uint64_t")


@dataclass
class CType:
    """A C type reduced to what the bindings need: a base name ('int32_t', 'char', 'void', a
    struct typedef, a callback typedef, 'function' for an inline function pointer), the number of
    pointer levels, and the constness of what the first pointer points to."""
    base: str
    pointers: int = 0
    const_pointee: bool = False  # `const T*`: the pointee is const
    function: Optional["Function"] = None  # for an inline function pointer

    def __str__(self) -> str:
        return ("const " if self.const_pointee else "") + self.base + "*" * self.pointers


@dataclass
class Param:
    name: str
    type: CType


@dataclass
class Function:
    name: str
    result: CType
    params: List[Param]


@dataclass
class Struct:
    name: str
    fields: List[Param]


@dataclass
class Declarations:
    opaque: List[str] = field(default_factory=list)
    structs: Dict[str, Struct] = field(default_factory=dict)
    callbacks: Dict[str, Function] = field(default_factory=dict)
    functions: List[Function] = field(default_factory=list)


def _pycparser():
    try:
        import pycparser  # Debian: python3-pycparser, pulled in by python3-cffi
        from pycparser import c_ast
    except ImportError as e:
        raise GeneratorError("pycparser is needed (apt-get install python3-pycparser)") from e
    return pycparser, c_ast


def parse_declarations(declarations: str) -> Declarations:
    pycparser, c_ast = _pycparser()
    prelude = "".join(f"typedef int {name};\n" for name in _STANDARD_TYPES)
    try:
        unit = pycparser.CParser().parse(prelude + declarations, "socle.h")
    except pycparser.c_parser.ParseError as e:
        raise GeneratorError(f"cannot parse the declarations: {e}") from e

    out = Declarations()

    def type_of(node, where: str) -> CType:
        pointers = 0
        const_pointee = False
        while isinstance(node, c_ast.PtrDecl):
            pointers += 1
            node = node.type
        # `const` of the innermost pointee (the base type).
        if isinstance(node, c_ast.TypeDecl):
            quals = node.quals
            inner = node.type
            if isinstance(inner, c_ast.IdentifierType):
                base = " ".join(inner.names)
            elif isinstance(inner, c_ast.Struct) and inner.decls is None and inner.name:
                base = inner.name
            else:
                raise GeneratorError(f"{where}: type {type(inner).__name__} is not supported")
            const_pointee = "const" in quals and pointers > 0
            if "volatile" in quals:
                raise GeneratorError(f"{where}: volatile is not supported")
            return CType(base, pointers, const_pointee)
        if isinstance(node, c_ast.FuncDecl) and pointers == 1:
            return CType("function", 0, False, function_of(node, where, where))
        raise GeneratorError(f"{where}: {type(node).__name__} is not supported")

    def function_of(node, name: str, where: str) -> Function:
        result = type_of(node.type, f"{where} (result)")
        params: List[Param] = []
        for i, p in enumerate(node.args.params if node.args else []):
            if isinstance(p, c_ast.EllipsisParam):
                raise GeneratorError(f"{where}: variadic functions are not supported")
            if isinstance(p, c_ast.Typename):  # (void)
                t = type_of(p.type, where)
                if t.base == "void" and t.pointers == 0:
                    continue
                raise GeneratorError(f"{where}: parameter {i} has no name")
            params.append(Param(p.name, type_of(p.type, f"{where}, parameter {p.name}")))
        return Function(name, result, params)

    for node in unit.ext:
        if isinstance(node, c_ast.Typedef):
            if node.name in _STANDARD_TYPES:
                continue
            t = node.type
            if isinstance(t, c_ast.TypeDecl) and isinstance(t.type, c_ast.Struct):
                struct = t.type
                if struct.name != node.name:
                    raise GeneratorError(f"typedef {node.name} names struct {struct.name}: the "
                                         "bindings expect `typedef struct X X`")
                if struct.decls is None:
                    out.opaque.append(node.name)
                else:
                    fields = []
                    for d in struct.decls:
                        if d.bitsize is not None:
                            raise GeneratorError(f"{node.name}.{d.name}: bit-fields are not "
                                                 "supported")
                        if isinstance(d.type, c_ast.ArrayDecl):
                            raise GeneratorError(f"{node.name}.{d.name}: arrays in structs are "
                                                 "not supported")
                        fields.append(Param(d.name, type_of(d.type, f"{node.name}.{d.name}")))
                    out.structs[node.name] = Struct(node.name, fields)
                continue
            if isinstance(t, c_ast.PtrDecl) and isinstance(t.type, c_ast.FuncDecl):
                out.callbacks[node.name] = function_of(t.type, node.name, node.name)
                continue
            raise GeneratorError(f"typedef {node.name}: only structs and function pointers are "
                                 "supported")
        if isinstance(node, c_ast.Decl) and isinstance(node.type, c_ast.FuncDecl):
            out.functions.append(function_of(node.type, node.name, node.name))
            continue
        raise GeneratorError(f"declaration {getattr(node, 'name', node)!r} is not supported "
                             "(only typedefs and functions)")
    return out


# ---------------------------------------------------------------------------------------------
# PHP: an FFI header and the constants.

# The first lines of every generated file but the Python one (which keeps its own, see above).
_BANNER = ("Generated by bindings/generate.py from {header}: do not edit.\n"
           "Regenerate with `/usr/bin/python3 bindings/generate.py`; a test fails when\n"
           "this file and the header disagree.")


def generate_php_header(header: Header, header_name: str) -> str:
    # FFI::cdef takes C declarations only: the constants live in Native.php. The declarations
    # carry no attribute or macro (the preprocessor ran with SOCLE_API empty).
    if "#" in header.declarations or "__attribute__" in header.declarations:
        raise GeneratorError("the declarations still hold a directive or an attribute")
    banner = _BANNER.format(header=header_name).replace("\n", "\n * ")
    return f"/*\n * {banner}\n * The C declarations of libsocle for PHP's FFI::cdef().\n */\n" \
        f"{header.declarations}\n"


def generate_php_constants(header: Header, header_name: str) -> str:
    banner = _BANNER.format(header=header_name).replace("\n", "\n// ")
    lines = [
        "<?php",
        "",
        f"// {banner}",
        "",
        "declare(strict_types=1);",
        "",
        "namespace Socle;",
        "",
        "/**",
        " * The constants of socle.h (SOCLE_*), with their C names, and the FFI header beside",
        " * them.",
        " */",
        "final class Native",
        "{",
        "    /** The C declarations for FFI::cdef(), generated from socle.h. */",
        "    public const HEADER_FILE = __DIR__ . '/socle_ffi.h';",
        "",
    ]
    for name, value in header.constants:
        lines.append(f"    public const {name} = {value};")
    lines += ["", "    private function __construct()", "    {", "    }", "}", ""]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Java: a JNA interface.

_JAVA_INTEGERS = {  # C integer type -> Java type of a value
    "int8_t": "byte", "uint8_t": "byte", "char": "byte",
    "int16_t": "short", "uint16_t": "short",
    "int32_t": "int", "uint32_t": "int",
    "int64_t": "long", "uint64_t": "long",
}


def _camel(name: str) -> str:
    """socle_access_request -> AccessRequest."""
    parts = name.split("_")
    if parts[0] == "socle":
        parts = parts[1:]
    return "".join(p[:1].upper() + p[1:] for p in parts)


class _Java:
    def __init__(self, decls: Declarations) -> None:
        self.decls = decls

    def value_type(self, t: CType, where: str, context: str = "call") -> str:
        """The Java type of C type `t` as a parameter or result of a function ("call"), of a
        callback ("callback": JNA passes no arrays or strings to callbacks, only pointers) or as
        a struct field ("field": borrowed pointers, the struct does not own memory)."""
        d = self.decls
        raw = context != "call"
        if t.base == "function":
            raise GeneratorError(f"{where}: inline function pointers are only supported as "
                                 "struct fields")
        if t.pointers == 0:
            if t.base in _JAVA_INTEGERS:
                return _JAVA_INTEGERS[t.base]
            if t.base == "size_t":
                return "SizeT"
            if t.base == "void":
                return "void"
            if t.base in d.callbacks:
                return _camel(t.base)
            raise GeneratorError(f"{where}: {t} cannot be passed by value")
        if t.pointers == 1:
            if t.base in d.structs:
                return _camel(t.base)  # by reference; the first element of an array
            if t.base == "char" and t.const_pointee and not raw:
                return "String"  # NUL-terminated in, or borrowed NUL-terminated out (UTF-8)
            if t.base in d.opaque or t.base == "void" or raw:
                return "Pointer"
            if t.base in ("char", "uint8_t", "int8_t"):
                return "byte[]"
            if t.base in _JAVA_INTEGERS:
                return _JAVA_INTEGERS[t.base] + "[]"
            if t.base == "size_t":
                return "Pointer"  # its width depends on the platform: Memory of SIZE_T_SIZE
            raise GeneratorError(f"{where}: {t} has no JNA mapping")
        if t.pointers == 2:
            if t.base in d.opaque and not t.const_pointee and not raw:
                return "PointerByReference"  # a constructor's `T** out`
            if t.base == "char" and t.const_pointee and not raw:
                return "Pointer"  # `const char* const*`: an array of pointers (StringArray…)
            raise GeneratorError(f"{where}: {t} has no JNA mapping")
        raise GeneratorError(f"{where}: {t} has no JNA mapping")

    def signature(self, f: Function, where: str, context: str = "call") -> Tuple[str, str]:
        result = self.value_type(f.result, f"{where} (result)", context)
        params = ", ".join(
            f"{self.value_type(p.type, f'{where}, parameter {p.name}', context)} "
            f"{_java_name(p.name)}" for p in f.params)
        return result, params


_JAVA_KEYWORDS = frozenset("""abstract assert boolean break byte case catch char class const
continue default do double else enum extends final finally float for goto if implements import
instanceof int interface long native new package private protected public return short static
strictfp super switch synchronized this throw throws transient try void volatile while""".split())


def _java_name(name: str) -> str:
    return name + "_" if name in _JAVA_KEYWORDS else name


def generate_java(header: Header, header_name: str) -> str:
    decls = parse_declarations(header.declarations)
    java = _Java(decls)
    banner = _BANNER.format(header=header_name).replace("\n", "\n// ")
    out: List[str] = [
        f"// {banner}",
        f"package {JAVA_PACKAGE};",
        "",
        "import com.sun.jna.Callback;",
        "import com.sun.jna.IntegerType;",
        "import com.sun.jna.Library;",
        "import com.sun.jna.Native;",
        "import com.sun.jna.Pointer;",
        "import com.sun.jna.Structure;",
        "import com.sun.jna.ptr.PointerByReference;",
        "",
        "/**",
        " * The socle C ABI as a JNA library: every function of socle.h under its C name, its",
        " * constants, structs and callbacks. Types: int32_t/uint32_t are {@code int},",
        " * int64_t/uint64_t {@code long} (unsigned values keep their bits), size_t",
        " * {@link SizeT}, {@code const char*} parameters and results {@code String} (UTF-8,",
        " * NUL-terminated), other byte pointers {@code byte[]}, arrays of integers Java arrays,",
        " * {@code size_t*} and handles {@link Pointer}, a constructor's {@code T** out}",
        " * {@link PointerByReference}, an array of strings a {@link Pointer} to pointers;",
        " * structs and callbacks are passed by reference. The idiomatic API is {@code fr.socle}.",
        " */",
        "public interface SocleLibrary extends Library {",
    ]
    # Constants.
    for name, value in header.constants:
        if -(2 ** 31) <= value < 2 ** 31:
            out.append(f"    int {name} = {value};")
        elif 2 ** 31 <= value < 2 ** 32:  # an unsigned 32-bit value (SOCLE_NO_ID): same bits
            out.append(f"    int {name} = 0x{value:X};")
        elif -(2 ** 63) <= value < 2 ** 64:
            out.append(f"    long {name} = 0x{value & (2 ** 64 - 1):X}L;")
        else:
            raise GeneratorError(f"macro {name}: {value} does not fit in 64 bits")
    out += [
        "",
        "    /** size_t: as wide as the platform's (Native.SIZE_T_SIZE bytes), unsigned. */",
        "    class SizeT extends IntegerType {",
        "        private static final long serialVersionUID = 1L;",
        "",
        "        public SizeT() {",
        "            this(0);",
        "        }",
        "",
        "        public SizeT(long value) {",
        "            super(Native.SIZE_T_SIZE, value, true);",
        "        }",
        "    }",
    ]
    # Callbacks (typedefs).
    for name, f in decls.callbacks.items():
        result, params = java.signature(f, name, "callback")
        out += ["", f"    /** {name}. */", f"    interface {_camel(name)} extends Callback {{",
                f"        {result} invoke({params});", "    }"]
    # Structs.
    for name, s in decls.structs.items():
        cls = _camel(name)
        order = ", ".join(f'"{_java_name(p.name)}"' for p in s.fields)
        out += ["", f"    /** struct {name}. */", f"    @Structure.FieldOrder({{{order}}})",
                f"    class {cls} extends Structure {{"]
        for p in s.fields:
            where = f"{name}.{p.name}"
            if p.type.base == "function":
                cb = _camel(p.name) + "Callback"
                result, params = java.signature(p.type.function, where, "callback")
                out += [f"        public interface {cb} extends Callback {{",
                        f"            {result} invoke({params});", "        }",
                        f"        public {cb} {_java_name(p.name)};"]
            else:
                jt = java.value_type(p.type, where, "field")
                if jt == "void" or jt.endswith("[]"):
                    raise GeneratorError(f"{where}: {p.type} has no JNA field mapping")
                init = " = new SizeT()" if jt == "SizeT" else ""
                out.append(f"        public {jt} {_java_name(p.name)}{init};")
        out += ["",
                f"        public {cls}() {{", "            super();", "        }",
                "",
                f"        public {cls}(Pointer memory) {{", "            super(memory);",
                "            read();", "        }",
                "",
                f"        public static class ByReference extends {cls} "
                "implements Structure.ByReference {",
                "        }",
                "    }"]
    # Functions.
    out.append("")
    for f in decls.functions:
        result, params = java.signature(f, f.name)
        out.append(f"    {result} {f.name}({params});")
    out += ["}", ""]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# Driver.


def generate_all(header_path: Path = DEFAULT_HEADER,
                 cc: Optional[Sequence[str]] = None) -> Dict[Path, str]:
    """Returns {path relative to the bindings directory: text} for every generated file."""
    header = read_header(Path(header_path).read_text(encoding="utf-8"), cc)
    name = _relative(Path(header_path))
    return {
        PYTHON_CDEF: generate_python(header, name),
        PHP_HEADER: generate_php_header(header, name),
        PHP_CONSTANTS: generate_php_constants(header, name),
        JAVA_INTERFACE: generate_java(header, name),
    }


def diff(expected: str, actual: str, path: Path) -> str:
    return "".join(difflib.unified_diff(
        actual.splitlines(keepends=True), expected.splitlines(keepends=True),
        fromfile=f"{path} (committed)", tofile=f"{path} (generated)"))


def write_or_check(outputs: Dict[Path, str], check: bool, program: str) -> int:
    """Writes (or with `check`, compares) every {absolute path: text}; 1 when `check` finds a
    stale file."""
    stale = []
    for path, expected in outputs.items():
        try:
            actual = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            actual = ""
        if actual == expected:
            continue
        if check:
            sys.stdout.write(diff(expected, actual, path))
            stale.append(path)
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(expected, encoding="utf-8")
            print(f"{program}: wrote {path}")
    for path in stale:
        print(f"{program}: {path} is out of date; run /usr/bin/python3 bindings/generate.py",
              file=sys.stderr)
    return 1 if stale else 0


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--header", type=Path, default=DEFAULT_HEADER, help="path of socle.h")
    parser.add_argument("--bindings-dir", type=Path, default=BINDINGS,
                        help="where the generated files go (default: this script's directory)")
    parser.add_argument("--cc", help="C compiler used as preprocessor (default: $CC or cc)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 with a diff if any output is not up to date")
    args = parser.parse_args(argv)

    cc = shlex.split(args.cc) if args.cc else None
    try:
        generated = generate_all(args.header, cc)
    except (GeneratorError, OSError) as e:
        print(f"generate: {e}", file=sys.stderr)
        return 2
    return write_or_check({args.bindings_dir / p: text for p, text in generated.items()},
                          args.check, "generate")


if __name__ == "__main__":
    sys.exit(main())
