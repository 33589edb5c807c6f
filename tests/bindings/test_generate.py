"""bindings/generate.py: one generator for every binding's low-level layer (label `abi`)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "bindings"))
import generate  # noqa: E402

HEADER = REPO / "include" / "socle" / "socle.h"


def committed_copy(tmp_path: Path) -> Path:
    """A copy of the committed generated files, laid out as in bindings/."""
    root = tmp_path / "bindings"
    for relative in generate.OUTPUTS:
        target = root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text((generate.BINDINGS / relative).read_text(encoding="utf-8"),
                          encoding="utf-8")
    return root


def test_committed_files_are_what_the_header_gives() -> None:
    generated = generate.generate_all(HEADER)
    assert set(generated) == set(generate.OUTPUTS)
    for relative, text in generated.items():
        assert (generate.BINDINGS / relative).read_text(encoding="utf-8") == text, (
            f"bindings/{relative} is stale: run /usr/bin/python3 bindings/generate.py")


def test_every_function_and_constant_reaches_php_and_java() -> None:
    # An independent, cruder reading of the header, so that a declaration dropped from both the
    # committed files and their regeneration still fails here.
    text = HEADER.read_text(encoding="utf-8")
    functions = set(re.findall(r"\bSOCLE_API\b[^;(]*?\b(socle_\w+)\s*\(", text))
    macros = set(re.findall(r"^#define (SOCLE_\w+) \S", text, re.MULTILINE))
    macros -= generate.SKIPPED_MACROS
    assert len(functions) > 100 and len(macros) > 100

    php_header = (generate.BINDINGS / generate.PHP_HEADER).read_text(encoding="utf-8")
    assert set(re.findall(r"\b(socle_\w+)\(", php_header)) == functions
    assert "#" not in php_header and "__attribute__" not in php_header
    php_constants = (generate.BINDINGS / generate.PHP_CONSTANTS).read_text(encoding="utf-8")
    assert set(re.findall(r"public const (SOCLE_\w+) = ", php_constants)) == macros

    java = (generate.BINDINGS / generate.JAVA_INTERFACE).read_text(encoding="utf-8")
    assert set(re.findall(r"^    \S+ (socle_\w+)\(", java, re.MULTILINE)) == functions
    assert set(re.findall(r"^    (?:int|long) (SOCLE_\w+) = ", java, re.MULTILINE)) == macros


def test_java_types_follow_the_c_types() -> None:
    java = (generate.BINDINGS / generate.JAVA_INTERFACE).read_text(encoding="utf-8")
    assert "int SOCLE_NO_ID = 0xFFFFFFFF;" in java  # uint32_t bits, usable as a dense id
    assert ("int socle_policy_load(String text, SizeT text_len, String source_name, "
            "PointerByReference out, PointerByReference error);") in java
    assert "void socle_buffer_free(Buffer buffer);" in java
    # Field order of the structs is the C order.
    order = re.search(r'FieldOrder\(\{([^}]*)\}\)\s*class AccessRequest', java).group(1)
    assert order.replace('"', "").split(", ") == [
        "version", "actor", "action", "person", "category", "purpose", "entry_kind", "author",
        "masked", "reserved", "time_unix_seconds", "item", "item_len",
        "restriction_justification", "reserved2"]
    assert "interface ReversalHook extends Callback" in java


def test_check_fails_with_a_diff_in_every_binding_when_the_header_changes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = committed_copy(tmp_path)
    assert generate.main(["--bindings-dir", str(root), "--check"]) == 0

    changed = tmp_path / "socle.h"
    changed.write_text(HEADER.read_text(encoding="utf-8").replace(
        "#define SOCLE_E_DATA_LOSS 15",
        "#define SOCLE_E_DATA_LOSS 15\n#define SOCLE_E_BRAND_NEW (SOCLE_E_DATA_LOSS + 1)").replace(
        "SOCLE_API void socle_buffer_free(socle_buffer* buffer);",
        "SOCLE_API void socle_buffer_free(socle_buffer* buffer);\n"
        "SOCLE_API int32_t socle_brand_new(const char* name, size_t name_len, socle_error** error);"),
        encoding="utf-8")
    capsys.readouterr()
    assert generate.main(["--header", str(changed), "--bindings-dir", str(root), "--check"]) == 1
    captured = capsys.readouterr()
    diff = captured.out
    assert "+#define SOCLE_E_BRAND_NEW 16" in diff  # Python
    assert "+int32_t socle_brand_new(const char* name, size_t name_len, socle_error** error);" \
        in diff  # Python and PHP
    assert "+    public const SOCLE_E_BRAND_NEW = 16;" in diff  # PHP
    assert "+    int SOCLE_E_BRAND_NEW = 16;" in diff  # Java
    assert ("+    int socle_brand_new(String name, SizeT name_len, PointerByReference error);"
            in diff)
    for relative in generate.OUTPUTS:
        assert f"{root / relative} is out of date" in captured.err
    # --check wrote nothing; without it every file is rewritten, after which --check passes.
    assert generate.main(["--bindings-dir", str(root), "--check"]) == 0
    assert generate.main(["--header", str(changed), "--bindings-dir", str(root)]) == 0
    assert generate.main(["--header", str(changed), "--bindings-dir", str(root), "--check"]) == 0


@pytest.mark.parametrize("addition, complaint", [
    ('#define SOCLE_NAME "socle"', "SOCLE_NAME"),
    ("#define SOCLE_MAX(a, b) ((a) > (b) ? (a) : (b))", "function-like"),
    ("SOCLE_API int32_t helper(void);", "socle_ prefix"),
    ("SOCLE_API double socle_ratio(void);", "socle_ratio"),
    ("SOCLE_API int32_t socle_log(const char* format, ...);", "variadic"),
    ("typedef union socle_u { int32_t a; } socle_u;", "socle_u"),
    ("typedef struct socle_fixed { uint8_t bytes[16]; } socle_fixed;", "arrays in structs"),
    ("SOCLE_API int32_t socle_triple(uint32_t*** out);", "socle_triple"),
    ("typedef int32_t socle_status;", "socle_status"),
])
def test_what_cannot_be_translated_is_an_error(addition: str, complaint: str) -> None:
    text = HEADER.read_text(encoding="utf-8").replace(
        "#define SOCLE_OK 0", f"#define SOCLE_OK 0\n{addition}")
    with pytest.raises(generate.GeneratorError, match=complaint):
        header = generate.read_header(text)
        generate.generate_java(header, "socle.h")


def test_the_command_line_exits_1_on_drift(tmp_path: Path) -> None:
    root = committed_copy(tmp_path)
    php = root / generate.PHP_CONSTANTS
    php.write_text(php.read_text(encoding="utf-8").replace(
        "SOCLE_E_PARSE = 11", "SOCLE_E_PARSE = 12"), encoding="utf-8")
    result = subprocess.run([sys.executable, str(REPO / "bindings" / "generate.py"), "--check",
                             "--bindings-dir", str(root)], capture_output=True, text=True)
    assert result.returncode == 1
    assert "-    public const SOCLE_E_PARSE = 12;" in result.stdout
    assert "+    public const SOCLE_E_PARSE = 11;" in result.stdout


# ---- The Python cffi declarations (bindings/python/socle/_cdef.py) --------------------------------

def _load_cdef() -> str:
    namespace: dict = {}
    text = (generate.BINDINGS / generate.PYTHON_CDEF).read_text(encoding="utf-8")
    exec(compile(text, "_cdef.py", "exec"), namespace)
    return namespace["CDEF"]


def test_every_macro_and_function_of_the_header_reaches_python() -> None:
    # The same cruder reading as for PHP and Java, against the cffi declarations.
    text = HEADER.read_text(encoding="utf-8")
    cdef = _load_cdef()
    macros = set(re.findall(r"^#define (SOCLE_\w+) \S", text, re.MULTILINE))
    macros -= generate.SKIPPED_MACROS
    defined = set(re.findall(r"^#define (SOCLE_\w+) -?\d+$", cdef, re.MULTILINE))
    assert macros and macros == defined
    functions = set(re.findall(r"\bSOCLE_API\b[^;(]*?\b(socle_\w+)\s*\(", text))
    declared = set(re.findall(r"\b(socle_\w+)\(", cdef))
    assert len(functions) > 20 and functions == declared


def test_macro_values_are_evaluated() -> None:
    cdef = _load_cdef()
    values = {m[0]: int(m[1]) for m in re.findall(r"^#define (\w+) (-?\d+)$", cdef, re.MULTILINE)}
    assert values["SOCLE_VERSION_NUMBER"] == (values["SOCLE_VERSION_MAJOR"] * 10000 +
                                              values["SOCLE_VERSION_MINOR"] * 100 +
                                              values["SOCLE_VERSION_PATCH"])
    assert values["SOCLE_OK"] == 0
    assert values["SOCLE_POLICY_DIGEST_BYTES"] == 32


def test_layout_does_not_depend_on_the_header_whitespace() -> None:
    text = HEADER.read_text(encoding="utf-8")
    # One declaration, named, so that other declarations with the same parameters (the header
    # grows) do not change the expectation.
    declaration = "socle_policy_load(const char* text, size_t text_len, const char* source_name,\n"
    assert text.count(declaration) == 1
    squeezed = text.replace(
        declaration, "socle_policy_load(const char *text,\n  size_t   text_len,\n"
                     "      const char* source_name,")
    assert generate.build_cdef(squeezed) == generate.build_cdef(text).replace(
        "socle_policy_load(const char* text", "socle_policy_load(const char *text")
