# The checkpoints' independent verification (included by tests/ledger/CMakeLists.txt):
# ledger_checkpoint_samples writes socle-signed checkpoints and altered copies (the fixture
# ledger.checkpoint_samples); Go's note package (the format's reference implementation) and a
# Python verifier written from the C2SP texts (hashlib + PyNaCl) must accept every good one and
# reject every altered one.
add_executable(ledger_checkpoint_samples ${CMAKE_CURRENT_LIST_DIR}/checkpoint_samples.cc)
target_link_libraries(ledger_checkpoint_samples PRIVATE socle_static)

set(_ledger_samples ${CMAKE_CURRENT_BINARY_DIR}/checkpoint_samples)
add_test(NAME ledger.checkpoint_samples
  COMMAND ledger_checkpoint_samples ${_ledger_samples})
set_tests_properties(ledger.checkpoint_samples PROPERTIES
  LABELS unit FIXTURES_SETUP ledger_checkpoint_samples)

find_program(SOCLE_GO go)
add_test(NAME ledger.go_note_verifies_checkpoints
  COMMAND ${CMAKE_COMMAND}
    -DGO=${SOCLE_GO}
    -DSOURCE=${CMAKE_CURRENT_LIST_DIR}/go/verify_checkpoint.go
    -DWORK_DIR=${CMAKE_CURRENT_BINARY_DIR}/go
    -DSAMPLES=${_ledger_samples}
    -P ${CMAKE_CURRENT_LIST_DIR}/go/run.cmake)
set_tests_properties(ledger.go_note_verifies_checkpoints PROPERTIES
  LABELS "unit;go" FIXTURES_REQUIRED ledger_checkpoint_samples
  SKIP_REGULAR_EXPRESSION "SKIP: " TIMEOUT 300)

# Debian's /usr/bin/python3 (its python3-nacl), whatever SOCLE_PYTHON is.
add_test(NAME ledger.python_verifies_checkpoints
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/verify_checkpoint.py
          ${_ledger_samples}/verifier_key.txt ${_ledger_samples}/origin.txt
          ${_ledger_samples}/good ${_ledger_samples}/bad)
set_tests_properties(ledger.python_verifies_checkpoints PROPERTIES
  LABELS unit FIXTURES_REQUIRED ledger_checkpoint_samples SKIP_RETURN_CODE 77)

# The same verifier on the Go package's own signed note: it reads the format as Go writes it.
file(STRINGS ${CMAKE_CURRENT_LIST_DIR}/vectors/signed-note/vector.txt _ledger_vkey
     REGEX "^VERIFIER_KEY=")
string(REPLACE "VERIFIER_KEY=" "" _ledger_vkey "${_ledger_vkey}")
add_test(NAME ledger.python_verifies_go_vector
  COMMAND /usr/bin/python3 ${CMAKE_CURRENT_LIST_DIR}/verify_checkpoint.py --note ${_ledger_vkey}
          ${CMAKE_CURRENT_LIST_DIR}/vectors/signed-note/signed.txt)
set_tests_properties(ledger.python_verifies_go_vector PROPERTIES
  LABELS unit SKIP_RETURN_CODE 77)
