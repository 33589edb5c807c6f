"""socle.Policy: loading, validation, digest and register, as a Python user would check them."""

from __future__ import annotations

import gc
import json
import re
import weakref
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

import socle
from socle._native import ffi, lib

# A syntax error: an unknown field on line 3.
UNKNOWN_FIELD = """\
format_version: 1
id: "broken"
colour: "blue"
"""

# Well-formed but wrong: among other problems, a small-cell threshold below 3 on line 5, column 3.
THRESHOLD_TOO_LOW = """\
format_version: 1
id: "broken"
revision: "test"
statistics {
  small_cell_threshold: 2
}
"""


def test_version_is_the_loaded_library_s() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", socle.version())
    assert socle.version() == socle.__version__
    socle.init()
    socle.init()  # idempotent


# -- the example policies ------------------------------------------------------------------------


def test_example_policy_loads(example_path: Path) -> None:
    with socle.Policy.load_file(example_path) as policy:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", policy.id)
        assert policy.revision
        assert policy.activity_count > 0
        assert policy.role_count > 0
        assert policy.data_category_count > 0
        assert isinstance(policy.digest, bytes) and len(policy.digest) == 32
        assert policy.digest_hex == policy.digest.hex()
        assert policy.id in repr(policy)


def test_example_policy_validates_without_errors(example_path: Path) -> None:
    diagnostics = socle.Policy.validate(example_path.read_text(encoding="utf-8"))
    assert all(d.severity == socle.Severity.WARNING for d in diagnostics), diagnostics


def test_load_and_load_file_agree(example_path: Path) -> None:
    from_file = socle.Policy.load_file(str(example_path))
    from_text = socle.Policy.load(example_path.read_text(encoding="utf-8"), example_path.name)
    assert from_file.digest == from_text.digest
    assert (from_file.id, from_file.revision) == (from_text.id, from_text.revision)


def test_every_kind_of_text_argument_is_accepted(example_path: Path) -> None:
    data = example_path.read_bytes()
    digests = {socle.Policy.load(text).digest
               for text in (data, bytearray(data), memoryview(data), data.decode("utf-8"))}
    assert len(digests) == 1
    with pytest.raises(TypeError):
        socle.Policy.load(42)  # type: ignore[arg-type]


def test_the_two_examples_differ(examples_dir: Path) -> None:
    ccas = socle.Policy.load_file(examples_dir / "policies" / "ccas.textproto")
    departement = socle.Policy.load_file(examples_dir / "policies" / "departement.textproto")
    assert ccas.id != departement.id
    assert ccas.digest != departement.digest


# -- digest --------------------------------------------------------------------------------------


def test_digest_is_stable_across_loads_and_layout(example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    first = socle.Policy.load(text).digest
    assert socle.Policy.load(text).digest == first
    relaid = "# a comment the DPO added\n\n" + text.replace("\n", "\n\n  ") + "\n# the end\n"
    assert socle.Policy.load(relaid).digest == first


def test_digest_changes_with_the_content(example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    policy = socle.Policy.load(text)
    changed_text, count = re.subn(r'(?m)^revision:\s*"[^"]*"', 'revision: "changed-by-a-test"',
                                  text)
    assert count == 1
    changed = socle.Policy.load(changed_text)
    assert changed.revision == "changed-by-a-test"
    assert changed.digest != policy.digest and changed.digest_hex != policy.digest_hex


# -- register ------------------------------------------------------------------------------------


def test_json_register_has_an_entry_per_activity(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    register = json.loads(policy.render_register("json"))

    def field(obj: dict, name: str) -> object:  # the JSON printer may camelCase the names
        camel = re.sub(r"_([a-z])", lambda m: m.group(1).upper(), name)
        return obj.get(name, obj.get(camel))

    entries = register["entries"]
    assert len(entries) == policy.activity_count
    ids = [field(entry, "activity_id") for entry in entries]
    assert all(ids) and len(set(ids)) == len(ids)
    assert field(register, "policy_id") == policy.id
    assert field(register, "policy_digest") == policy.digest_hex
    for entry in entries:
        assert entry["purpose"] and field(entry, "legal_basis")


def test_markdown_register_names_every_activity(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    markdown = policy.render_register("markdown")
    assert markdown == policy.render_register()  # Markdown is the default
    assert markdown == policy.render_register("md")
    assert markdown.lstrip().startswith("#")
    for entry in json.loads(policy.render_register("json"))["entries"]:
        assert entry["name"] in markdown


def test_unknown_register_format_is_an_invalid_argument(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    with pytest.raises(socle.InvalidArgumentError, match="xml"):
        policy.render_register("xml")
    with pytest.raises(ValueError):
        policy.render_register(None)  # type: ignore[arg-type]


def test_the_library_itself_refuses_an_unknown_register_format(example_path: Path) -> None:
    # Straight through the C ABI, past the Python-side check: the library must refuse too.
    policy = socle.Policy.load_file(example_path)
    buffer = ffi.new("socle_buffer*")
    error = ffi.new("socle_error**")
    try:
        status = lib.socle_policy_render_register(policy._handle, 99, buffer, error)
        with pytest.raises(socle.InvalidArgumentError) as raised:
            socle.check(status, error[0])
        assert raised.value.message
    finally:
        lib.socle_error_free(error[0])
        lib.socle_buffer_free(buffer)


def test_register_is_french_by_default_and_english_on_request(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    french = policy.render_register()
    assert french == policy.render_register("markdown", "fr")
    assert french.startswith("# Registre des activités de traitement")
    for heading in ("| (b) Finalité(s) |", "| (b) Base légale | RGPD art. 6(1)(",
                    "| (c) Catégories de personnes concernées |", "| (c) Données sensibles |",
                    "| (e) Transferts hors UE | aucun |", "| (f) Durées de conservation |",
                    "| (g) Mesures de sécurité |"):
        assert french.count(heading) == policy.activity_count, heading
    english = policy.render_register("markdown", language="en")
    assert english.startswith("# Register of processing activities")
    assert english.count("| (g) Security measures |") == policy.activity_count
    assert "Mesures de sécurité" not in english
    assert json.loads(policy.render_register("json"))["language"] == "fr"
    register = json.loads(policy.render_register("json", "en"))
    assert register["language"] == "en"
    assert all(e["legal_basis"].startswith("GDPR art. 6(1)(") for e in register["entries"])


def test_register_as_dpv_jsonld(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    for language in ("fr", "en"):
        doc = json.loads(policy.render_register("jsonld", language))
        assert doc["@context"]["dpv"] == "https://w3id.org/dpv#"
        processes = [n for n in doc["@graph"] if n.get("@type") == "dpv:Process"]
        assert len(processes) == policy.activity_count
        for node in processes:
            # socle's sentences in the register's language, the DPO's text in French
            assert node["dpv:hasPurpose"]["dct:description"]["@language"] == "fr"
            assert node["dpv:hasLegalBasis"][0]["@id"].startswith("eu-gdpr:A6-1-")
            assert node["dpv:hasLegalBasis"][0]["skos:prefLabel"]["@language"] == language
            assert all(s["dct:description"]["@language"] == language
                       for s in node["dpv:hasStorageCondition"])
            for key in ("dpv:hasPersonalData", "dpv:hasDataSubject", "dpv:hasRecipient",
                        "dpv:hasStorageCondition"):
                assert node[key], key


def test_unknown_register_language_is_an_invalid_argument(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    with pytest.raises(socle.InvalidArgumentError, match="de"):
        policy.render_register("markdown", "de")
    buffer = ffi.new("socle_buffer*")
    error = ffi.new("socle_error**")
    try:  # past the Python-side check, the library refuses too
        status = lib.socle_policy_render_register_lang(policy._handle, lib.SOCLE_REGISTER_JSON, 9,
                                                       buffer, error)
        with pytest.raises(socle.InvalidArgumentError, match="language"):
            socle.check(status, error[0])
    finally:
        lib.socle_error_free(error[0])
        lib.socle_buffer_free(buffer)


def test_policy_is_usable_from_several_threads(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    expected = policy.render_register("json")
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: policy.render_register("json"), range(16)))
    assert results == [expected] * 16


# -- errors --------------------------------------------------------------------------------------


def test_unknown_field_is_a_parse_error_with_its_location() -> None:
    with pytest.raises(socle.ParseError) as raised:
        socle.Policy.load(UNKNOWN_FIELD, source_name="broken.textproto")
    error = raised.value
    assert error.code == lib.SOCLE_E_PARSE and error.code_name == "PARSE"
    assert "broken.textproto" in error.message  # source_name names the text in messages
    assert error.diagnostics, "a parse error must say where"
    first = error.diagnostics[0]
    assert first.severity == socle.Severity.ERROR
    # protobuf's parser points at or just past the field name.
    assert first.line == 3 and 1 <= first.column <= len("colour:")
    assert "colour" in first.message
    assert f"3:{first.column}: error: " in str(error)


def test_semantic_errors_raise_policy_invalid_with_every_diagnostic() -> None:
    with pytest.raises(socle.PolicyInvalidError) as raised:
        socle.Policy.load(THRESHOLD_TOO_LOW, source_name="broken.textproto")
    error = raised.value
    assert error.code == lib.SOCLE_E_POLICY_INVALID and error.code_name == "POLICY_INVALID"
    assert len(error.diagnostics) > 1  # every problem, not only the first
    assert all(d.code for d in error.diagnostics)
    (threshold,) = [d for d in error.diagnostics if d.code == "statistics.threshold_too_low"]
    assert threshold.severity == socle.Severity.ERROR
    assert threshold.path == "statistics.small_cell_threshold"
    assert (threshold.line, threshold.column) == (5, 3)
    assert str(threshold).startswith("5:3: error: ")
    assert "statistics.threshold_too_low" in str(error)


@pytest.mark.parametrize("text, expected", [
    (UNKNOWN_FIELD, socle.ParseError),
    (THRESHOLD_TOO_LOW, socle.PolicyInvalidError),
])
def test_validate_raises_like_load(text: str, expected: type) -> None:
    with pytest.raises(expected) as validated:
        socle.Policy.validate(text)
    with pytest.raises(expected) as loaded:
        socle.Policy.load(text)
    assert validated.value.diagnostics == loaded.value.diagnostics


def test_validate_returns_the_warnings_of_a_valid_policy(example_path: Path) -> None:
    text = example_path.read_text(encoding="utf-8")
    line = text.count("\n") + 2
    text += '\ndata_categories { id: "unused_by_the_test" label: "x" sensitivity: ORDINARY }\n'
    warnings = socle.Policy.validate(text)
    unused = [d for d in warnings if d.code == "data_category.unused"
              and d.path.startswith("data_categories[")]
    assert len(unused) == 1, warnings
    assert unused[0].severity == socle.Severity.WARNING
    assert unused[0].line == line
    socle.Policy.load(text)  # warnings never prevent loading


def test_missing_file_is_an_io_error(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.textproto"
    with pytest.raises(socle.IoError) as raised:
        socle.Policy.load_file(missing)
    assert isinstance(raised.value, OSError)
    assert raised.value.code == lib.SOCLE_E_IO
    assert raised.value.filename == str(missing)


def test_embedded_nul_is_an_invalid_argument(example_path: Path) -> None:
    with pytest.raises(socle.InvalidArgumentError):
        socle.Policy.load_file(str(example_path) + "\0.txt")
    with pytest.raises(socle.InvalidArgumentError):
        socle.Policy.load(example_path.read_bytes(), source_name="a\0b")


# -- lifetime ------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls, factory", [
    (socle.Policy, "load"), (socle.AccessEngine, "create"), (socle.KeyProvider, "open_key_file"),
    (socle.Vault, "open"), (socle.Pseudonymizer, "create"), (socle.PseudonymContext, "new_context"),
    (socle.Redactor, "create")])
def test_handles_are_made_by_their_factory_only(cls: type, factory: str) -> None:
    # As in C and C++ (socle_vault_open, Vault::Open): the constructor's name says what it does.
    with pytest.raises(TypeError, match=factory):
        cls()


def test_closed_policy_refuses_to_be_used(example_path: Path) -> None:
    with socle.Policy.load_file(example_path) as policy:
        assert not policy.closed
    assert policy.closed
    policy.close()  # idempotent
    with pytest.raises(ValueError, match="closed"):
        policy.digest
    with pytest.raises(ValueError, match="closed"):
        policy.render_register()
    assert "closed" in repr(policy)


def test_dropped_policy_is_collected(example_path: Path) -> None:
    policy = socle.Policy.load_file(example_path)
    ref = weakref.ref(policy)
    del policy
    gc.collect()
    assert ref() is None
