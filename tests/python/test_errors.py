"""Status codes become typed exceptions, one class per SOCLE_E_* code."""

from __future__ import annotations

import pickle

import pytest

import socle
from socle._native import ffi, lib

STATUS_CONSTANTS = sorted(name for name in dir(lib) if name.startswith("SOCLE_E_"))


def test_the_header_has_the_codes_we_expect() -> None:
    # Guards the parametrised tests below against an empty list.
    assert len(STATUS_CONSTANTS) >= 15
    assert {"SOCLE_E_PARSE", "SOCLE_E_POLICY_INVALID", "SOCLE_E_IO"} <= set(STATUS_CONSTANTS)


@pytest.mark.parametrize("constant", STATUS_CONSTANTS)
def test_every_status_code_has_its_own_exception_class(constant: str) -> None:
    code = getattr(lib, constant)
    cls = socle.error_class(code)
    assert cls is not socle.Error and issubclass(cls, socle.Error)
    assert cls.code == code
    assert cls.code_name == constant[len("SOCLE_E_"):]
    # The name the C library gives the code is the one the class carries.
    assert ffi.string(lib.socle_status_name(code)).decode() == cls.code_name
    assert getattr(socle, cls.__name__) is cls and cls.__name__ in socle.__all__
    assert not getattr(cls, "_generated", False), (
        f"{constant} has no hand-written exception class in socle/__init__.py")
    assert cls.__doc__


def test_exception_classes_are_distinct() -> None:
    classes = [socle.error_class(getattr(lib, c)) for c in STATUS_CONSTANTS]
    assert len(set(classes)) == len(classes)


@pytest.mark.parametrize("constant", STATUS_CONSTANTS)
def test_check_raises_the_class_of_the_code(constant: str) -> None:
    code = getattr(lib, constant)
    with pytest.raises(socle.Error) as raised:
        socle.check(code)
    assert type(raised.value) is socle.error_class(code)
    assert raised.value.code == code
    assert raised.value.message
    assert raised.value.diagnostics == []


def test_check_accepts_ok() -> None:
    assert socle.check(lib.SOCLE_OK) is None


def test_an_unknown_code_raises_the_base_class() -> None:
    with pytest.raises(socle.Error) as raised:
        socle.check(9999)
    assert type(raised.value) is socle.Error
    assert raised.value.code == 9999
    assert raised.value.code_name == "UNKNOWN"


def test_names_used_in_the_documentation_exist() -> None:
    assert socle.ParseError.code == lib.SOCLE_E_PARSE
    assert socle.PolicyInvalidError.code == lib.SOCLE_E_POLICY_INVALID
    assert socle.IoError.code == lib.SOCLE_E_IO
    assert socle.InvalidArgumentError.code == lib.SOCLE_E_INVALID_ARGUMENT
    assert socle.NotFoundError.code == lib.SOCLE_E_NOT_FOUND
    assert socle.VerificationFailedError.code == lib.SOCLE_E_VERIFICATION_FAILED


def test_errors_also_fit_python_s_own_hierarchy() -> None:
    assert issubclass(socle.InvalidArgumentError, ValueError)
    assert issubclass(socle.IoError, OSError)
    assert issubclass(socle.NoMemoryError, MemoryError)
    error = socle.IoError("cannot read")
    assert str(error) == "cannot read" and error.code == lib.SOCLE_E_IO


def test_errors_pickle_with_their_diagnostics() -> None:
    diagnostic = socle.Diagnostic(socle.Severity.ERROR, "id.missing", "id", 3, 1, "no id")
    error = socle.PolicyInvalidError("invalid policy", [diagnostic])
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is socle.PolicyInvalidError
    assert copy.diagnostics == [diagnostic] and copy.code == error.code
    assert "3:1: error: no id [id.missing] (at id)" in str(copy)
