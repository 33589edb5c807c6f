# Helpers shared by the package test scripts (run with cmake -P).

# socle_run(<what> COMMAND ... [OUTPUT_VARIABLE var]): runs a command and stops the test with its
# output when it fails.
function(socle_run what)
  cmake_parse_arguments(ARG "" "OUTPUT_VARIABLE" "COMMAND" ${ARGN})
  execute_process(COMMAND ${ARG_COMMAND}
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    list(JOIN ARG_COMMAND " " command)
    message(FATAL_ERROR "${what} failed (${result}):\n  ${command}\n${out}${err}")
  endif()
  if(ARG_OUTPUT_VARIABLE)
    set(${ARG_OUTPUT_VARIABLE} "${out}" PARENT_SCOPE)
  endif()
endfunction()

# socle_check_consumers(<c output> <c++ output>): both programs printed the library's version
# (C) and the same 64-hex digest of the same policy.
function(socle_check_consumers c_out cxx_out)
  message(STATUS "C program:\n${c_out}")
  message(STATUS "C++ program:\n${cxx_out}")
  if(NOT c_out MATCHES "socle: ${VERSION}\n")
    message(FATAL_ERROR "the C program did not report socle ${VERSION}")
  endif()
  foreach(lang c cxx)
    if(NOT "${${lang}_out}" MATCHES "digest: ([0-9a-f]+)\n")
      message(FATAL_ERROR "the ${lang} program printed no digest")
    endif()
    string(LENGTH "${CMAKE_MATCH_1}" length)
    if(NOT length EQUAL 64)
      message(FATAL_ERROR "the ${lang} program printed a digest of ${length} hex digits, not 64")
    endif()
    set(${lang}_digest "${CMAKE_MATCH_1}")
  endforeach()
  if(NOT c_digest STREQUAL cxx_digest)
    message(FATAL_ERROR "the C ABI and the C++ API disagree on the digest of the same policy:\n"
      "  C   ${c_digest}\n  C++ ${cxx_digest}")
  endif()
endfunction()

# socle_require_policy(<prefix>): the example policy the consumers load must have been installed.
function(socle_require_policy prefix)
  if(NOT EXISTS "${prefix}/${POLICY}")
    message(FATAL_ERROR "${prefix}/${POLICY} is not installed: the consumers load "
      "examples/policies/ccas.textproto from the installed tree")
  endif()
endfunction()

# socle_check_python_smoke(<output of python_smoke.py> <the socle/__init__.py expected>): the
# package imported from where it was installed, is the header's version, and its first calls
# worked (a policy error with its line, a redaction).
function(socle_check_python_smoke out package)
  foreach(line "socle: ${VERSION}" "package version: ${VERSION}" "package: ${package}"
      "policy error line: 3" "engine revision: 0" "redacted: Mme [PERSONNE-1], [TÉLÉPHONE]")
    string(FIND "${out}" "${line}\n" at)
    if(at EQUAL -1)
      message(FATAL_ERROR "python_smoke.py did not print '${line}':\n${out}")
    endif()
  endforeach()
  if(NOT out MATCHES "digest: [0-9a-f]+\n")
    message(FATAL_ERROR "python_smoke.py printed no digest:\n${out}")
  endif()
endfunction()
