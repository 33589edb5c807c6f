"""The committed cffi declarations, compiled in API mode against the real header.

The package itself uses ABI mode (no compiler needed), where a wrong declaration would only show
as a crash. Here the C compiler sees socle.h and the declarations together: every function is
redeclared from CDEF (a conflicting type is a hard error in C), every constant is checked with
_Static_assert, and cffi compares each struct's fields with the compiler's layout.
"""

from __future__ import annotations

import importlib.util
import os
import re
from pathlib import Path
from types import ModuleType

import cffi
import pytest

from socle._cdef import CDEF


def _checks() -> str:
    lines = []
    for line in CDEF.splitlines():
        define = re.fullmatch(r"#define (\w+) (-?\d+)", line)
        if define:
            name, value = define.groups()
            lines.append(f'_Static_assert({name} == {value}, "{name} differs from the header");')
        elif line.endswith(");") and not line.startswith(("typedef", " ")):
            lines.append(line)  # a function redeclared with the cdef's prototype
    return "\n".join(lines)


@pytest.fixture(scope="module")
def api_module(tmp_path_factory: pytest.TempPathFactory, include_dir: Path) -> ModuleType:
    library = os.environ.get("SOCLE_LIBRARY")
    library_dir = os.environ.get("SOCLE_LIBRARY_DIR") or (library and str(Path(library).parent))
    assert library_dir, "set SOCLE_LIBRARY_DIR (or SOCLE_LIBRARY) to the build's libsocle"
    library_dir = str(Path(library_dir).resolve())  # cffi compiles in another directory
    include_dir = include_dir.resolve()
    assert (include_dir / "socle" / "socle.h").is_file()

    checks = _checks()
    assert checks.count("_Static_assert") > 20 and checks.count("socle_") > 20

    ffi = cffi.FFI()
    ffi.cdef(CDEF)
    ffi.set_source(
        "_socle_api_check",
        '#include "socle/socle.h"\n' + checks,
        include_dirs=[str(include_dir)],
        library_dirs=[library_dir],
        runtime_library_dirs=[library_dir],
        libraries=["socle"],
        extra_compile_args=["-Werror=incompatible-pointer-types", "-Werror=int-conversion"])
    build = tmp_path_factory.mktemp("api_mode")
    built = ffi.compile(tmpdir=str(build), verbose=False)
    spec = importlib.util.spec_from_file_location("_socle_api_check", built)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_declarations_compile_against_the_header_and_call_through(api_module: ModuleType) -> None:
    ffi, lib = api_module.ffi, api_module.lib
    version = ffi.string(lib.socle_version_string()).decode()
    assert version == "{}.{}.{}".format(
        lib.SOCLE_VERSION_MAJOR, lib.SOCLE_VERSION_MINOR, lib.SOCLE_VERSION_PATCH)
    assert lib.socle_version_number() == lib.SOCLE_VERSION_NUMBER


def test_struct_layouts_match_the_compiler_s(api_module: ModuleType) -> None:
    ffi = api_module.ffi
    structs = re.findall(r"^typedef struct (\w+) \{$", CDEF, re.MULTILINE)
    assert "socle_buffer" in structs
    for name in structs:
        # cffi checks a struct's fields against the C compiler's offsets and sizes lazily, the
        # first time they are looked at; ffi.error if a field's type disagrees.
        fields = ffi.typeof(name).fields
        assert fields and all(field.offset >= 0 for _, field in fields)


def test_a_wrong_declaration_does_not_compile(tmp_path: Path, include_dir: Path) -> None:
    # The check above must be able to fail: a prototype that disagrees with the header.
    ffi = cffi.FFI()
    ffi.cdef("int32_t socle_init(void);")
    ffi.set_source("_socle_api_wrong", '#include "socle/socle.h"\nint64_t socle_init(void);',
                   include_dirs=[str(include_dir)])
    with pytest.raises(cffi.VerificationError):
        ffi.compile(tmpdir=str(tmp_path), verbose=False)
