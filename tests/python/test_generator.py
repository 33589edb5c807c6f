"""The generator of the cffi declarations: the committed _cdef.py must be what the header gives."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import generate_cdef

# The file the package imports (the generator sits next to the package).
COMMITTED = generate_cdef.DEFAULT_OUTPUT


@pytest.fixture(scope="module")
def header(include_dir: Path) -> Path:
    return include_dir / "socle" / "socle.h"


def load_cdef(module_text: str) -> str:
    namespace: dict = {}
    exec(compile(module_text, "_cdef.py", "exec"), namespace)
    return namespace["CDEF"]


def test_committed_cdef_is_what_the_header_gives(header: Path) -> None:
    generated = generate_cdef.generate(header)
    committed = COMMITTED.read_text(encoding="utf-8")
    assert generated == committed, (
        "bindings/python/socle/_cdef.py is stale: run "
        "/usr/bin/python3 bindings/python/generate_cdef.py")


def test_every_macro_and_function_of_the_header_is_declared(header: Path) -> None:
    # An independent, cruder reading of the header, so a bug in the generator that drops a
    # declaration from both the committed file and its regeneration still fails here.
    text = header.read_text(encoding="utf-8")
    cdef = load_cdef(COMMITTED.read_text(encoding="utf-8"))
    macros = set(re.findall(r"^#define (SOCLE_\w+) \S", text, re.MULTILINE))
    macros -= generate_cdef.SKIPPED_MACROS
    defined = set(re.findall(r"^#define (SOCLE_\w+) -?\d+$", cdef, re.MULTILINE))
    assert macros and macros == defined
    functions = set(re.findall(r"\bSOCLE_API\b[^;(]*?\b(socle_\w+)\s*\(", text))
    declared = set(re.findall(r"\b(socle_\w+)\(", cdef))
    assert len(functions) > 20 and functions == declared


def test_macro_values_are_evaluated(header: Path) -> None:
    cdef = load_cdef(COMMITTED.read_text(encoding="utf-8"))
    values = {m[0]: int(m[1]) for m in re.findall(r"^#define (\w+) (-?\d+)$", cdef, re.MULTILINE)}
    assert values["SOCLE_VERSION_NUMBER"] == (values["SOCLE_VERSION_MAJOR"] * 10000 +
                                              values["SOCLE_VERSION_MINOR"] * 100 +
                                              values["SOCLE_VERSION_PATCH"])
    assert values["SOCLE_OK"] == 0
    assert values["SOCLE_POLICY_DIGEST_BYTES"] == 32


def test_check_mode_fails_with_a_diff_when_the_header_changes(
        header: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    output = tmp_path / "_cdef.py"
    output.write_text(COMMITTED.read_text(encoding="utf-8"), encoding="utf-8")
    assert generate_cdef.main(["--header", str(header), "--output", str(output), "--check"]) == 0

    changed = tmp_path / "socle.h"
    changed.write_text(header.read_text(encoding="utf-8").replace(
        "#define SOCLE_E_DATA_LOSS 15",
        "#define SOCLE_E_DATA_LOSS 15\n#define SOCLE_E_BRAND_NEW (SOCLE_E_DATA_LOSS + 1)").replace(
        "SOCLE_API void socle_buffer_free(socle_buffer* buffer);",
        "SOCLE_API void socle_buffer_free(socle_buffer* buffer);\n"
        "SOCLE_API int32_t socle_brand_new(socle_error** error);"), encoding="utf-8")
    capsys.readouterr()
    assert generate_cdef.main(["--header", str(changed), "--output", str(output), "--check"]) == 1
    diff = capsys.readouterr().out
    assert "+#define SOCLE_E_BRAND_NEW 16" in diff
    assert "+int32_t socle_brand_new(socle_error** error);" in diff
    assert output.read_text(encoding="utf-8") == COMMITTED.read_text(encoding="utf-8")

    # Without --check the file is rewritten, after which --check passes.
    assert generate_cdef.main(["--header", str(changed), "--output", str(output)]) == 0
    assert generate_cdef.main(["--header", str(changed), "--output", str(output), "--check"]) == 0


@pytest.mark.parametrize("addition, complaint", [
    ('#define SOCLE_NAME "socle"', "SOCLE_NAME"),
    ("#define SOCLE_MAX(a, b) ((a) > (b) ? (a) : (b))", "function-like"),
    ("SOCLE_API int helper(void);", "socle_ prefix"),
])
def test_generator_refuses_what_it_cannot_translate(header: Path, addition: str,
                                                    complaint: str) -> None:
    text = header.read_text(encoding="utf-8").replace(
        "#define SOCLE_OK 0", f"#define SOCLE_OK 0\n{addition}")
    with pytest.raises(generate_cdef.GeneratorError, match=complaint):
        generate_cdef.build_cdef(text)


def test_layout_does_not_depend_on_the_header_whitespace(header: Path) -> None:
    text = header.read_text(encoding="utf-8")
    # One declaration, named, so that other declarations with the same parameters (the header
    # grows) do not change the expectation.
    declaration = "socle_policy_load(const char* text, size_t text_len, const char* source_name,\n"
    assert text.count(declaration) == 1
    squeezed = text.replace(
        declaration, "socle_policy_load(const char *text,\n  size_t   text_len,\n"
                     "      const char* source_name,")
    assert generate_cdef.build_cdef(squeezed) == generate_cdef.build_cdef(text).replace(
        "socle_policy_load(const char* text", "socle_policy_load(const char *text")
