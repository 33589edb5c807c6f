# The ABI rules of socle's C ABI (STYLE.md, C ABI rules 8 and 11), in one place: the ABI tests,
# their self-test and tools/update-abi-baseline.sh all go through this file, so the baseline is
# always produced and compared with the same options.
#
# Run with cmake -P and MODE:
#   MODE=check-symbols   LIBRARY SYMBOLS NM      compare exported names with the committed list
#   MODE=write-symbols   LIBRARY SYMBOLS NM      (re)write the committed list
#   MODE=abidw           LIBRARY HEADERS BASELINE ABIDW          (re)write an ABI baseline
#   MODE=abidiff         LIBRARY BASELINE SUPPRESSIONS ABIDIFF  compare with a baseline
#
# Why these abigail options:
# - The baseline is written with --no-show-locs --no-corpus-path so it does not depend on where
#   the tree was checked out, and with --headers-dir plus --drop-private-types so that the types
#   defined outside include/socle (the opaque handles, defined in src/capi) are recorded as
#   declarations only: their layout is socle's business and may change.
# - abidiff is NOT given --headers-dir2: against a location-less baseline it marks every type as
#   private and filters out real breaks (a field inserted in the middle of socle_buffer then exits
#   0). tests/abi/selftest checks that the gate still catches that break.
# - --no-added-syms: adding a function is allowed within a major version; everything else that
#   abidiff reports fails, whatever the exit code (4 for a change, 8 for an incompatible change;
#   inserting a struct field in the middle gives 4, not 8).
cmake_minimum_required(VERSION 3.25)

# socle_abi_exported(<library> <nm> <out-names> <out-unversioned>): the defined dynamic symbols,
# without addresses or symbol versions, sorted; and those that carry no symbol version (the
# version script was not applied to them). The version nodes themselves (SOCLE_0, absolute
# symbols) are not exported names.
function(socle_abi_exported library nm out_names out_unversioned)
  execute_process(COMMAND ${nm} -D --defined-only "${library}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    message(FATAL_ERROR "${nm} -D --defined-only ${library} failed:\n${err}")
  endif()
  string(REPLACE "\n" ";" lines "${out}")
  set(names "")
  set(unversioned "")
  foreach(line IN LISTS lines)
    if(line MATCHES "^[0-9a-fA-F]* *([A-Za-z]) ([^ ]+)$")
      set(type "${CMAKE_MATCH_1}")
      set(symbol "${CMAKE_MATCH_2}")
      if(type STREQUAL "A" AND NOT symbol MATCHES "@")
        continue()
      endif()
      string(REGEX REPLACE "@.*$" "" name "${symbol}")
      list(APPEND names "${name}")
      if(NOT symbol MATCHES "@")
        list(APPEND unversioned "${name}")
      endif()
    endif()
  endforeach()
  list(SORT names)
  list(REMOVE_DUPLICATES names)
  set(${out_names} "${names}" PARENT_SCOPE)
  set(${out_unversioned} "${unversioned}" PARENT_SCOPE)
endfunction()

# socle_abi_read_symbols(<file> <out>): the committed list, comments and blank lines ignored.
function(socle_abi_read_symbols file out)
  if(NOT EXISTS "${file}")
    message(FATAL_ERROR "${file} does not exist: run tools/update-abi-baseline.sh BUILD_DIR")
  endif()
  file(STRINGS "${file}" lines)
  list(FILTER lines EXCLUDE REGEX "^(#.*|[ \t]*)$")
  list(SORT lines)
  set(${out} "${lines}" PARENT_SCOPE)
endfunction()

function(socle_abi_check_symbols)
  socle_abi_exported("${LIBRARY}" "${NM}" actual unversioned)
  socle_abi_read_symbols("${SYMBOLS}" expected)
  set(problems "")
  set(foreign ${actual})
  list(FILTER foreign EXCLUDE REGEX "^socle_")
  if(foreign)
    list(JOIN foreign "\n  " foreign)
    string(APPEND problems "exported names without the socle_ prefix (check SOCLE_API and "
      "src/capi/socle.map):\n  ${foreign}\n")
  endif()
  if(unversioned)
    list(JOIN unversioned "\n  " unversioned)
    string(APPEND problems "exported without a symbol version (is src/capi/socle.map applied?):"
      "\n  ${unversioned}\n")
  endif()
  set(removed ${expected})
  if(actual)
    list(REMOVE_ITEM removed ${actual})
  endif()
  set(added ${actual})
  if(expected)
    list(REMOVE_ITEM added ${expected})
  endif()
  if(removed OR added)
    set(diff "")
    foreach(name IN LISTS removed)
      string(APPEND diff "-${name}\n")
    endforeach()
    foreach(name IN LISTS added)
      string(APPEND diff "+${name}\n")
    endforeach()
    string(APPEND problems "exported symbols differ from ${SYMBOLS} (- committed only, + built "
      "only):\n${diff}If this change is on purpose, run tools/update-abi-baseline.sh BUILD_DIR "
      "and commit abi/ with the version change.\n")
  endif()
  if(problems)
    message(FATAL_ERROR "${LIBRARY}:\n${problems}")
  endif()
  list(LENGTH actual count)
  message(STATUS "${count} exported symbols, all socle_*, all versioned, as committed")
endfunction()

function(socle_abi_write_symbols)
  socle_abi_exported("${LIBRARY}" "${NM}" actual unversioned)
  list(JOIN actual "\n" lines)
  file(WRITE "${SYMBOLS}"
    "# Dynamic symbols exported by libsocle.so (nm -D --defined-only, names only, sorted).\n"
    "# Generated by tools/update-abi-baseline.sh; checked by the abi.exported_symbols test.\n"
    "${lines}\n")
endfunction()

function(socle_abi_dump)
  execute_process(COMMAND ${ABIDW} --no-show-locs --no-corpus-path --drop-private-types
      --headers-dir "${HEADERS}" --out-file "${BASELINE}.tmp" "${LIBRARY}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT result EQUAL 0)
    file(REMOVE "${BASELINE}.tmp")
    message(FATAL_ERROR "abidw failed (${result}):\n${out}${err}")
  endif()
  file(RENAME "${BASELINE}.tmp" "${BASELINE}")
endfunction()

# socle_abi_compare(<baseline> <library> <suppressions> <out-result> <out-report>): runs abidiff
# with the gate's options; the result is abidiff's exit code.
function(socle_abi_compare baseline library suppressions out_result out_report)
  set(suppression_args "")
  if(suppressions)
    set(suppression_args --suppressions "${suppressions}")
  endif()
  execute_process(COMMAND ${ABIDIFF} --no-added-syms ${suppression_args} "${baseline}" "${library}"
    RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
  set(${out_result} "${result}" PARENT_SCOPE)
  set(${out_report} "${out}${err}" PARENT_SCOPE)
endfunction()

# socle_abi_explain(<exit code> <out>): abidiff's exit code is a bit field.
function(socle_abi_explain result out)
  if(NOT result MATCHES "^[0-9]+$")
    set(${out} "abidiff did not run: ${result}" PARENT_SCOPE)
    return()
  endif()
  set(meaning "")
  foreach(pair "1;abidiff error" "2;usage error" "4;ABI change" "8;incompatible ABI change")
    list(GET pair 0 bit)
    list(GET pair 1 text)
    math(EXPR is_set "${result} & ${bit}")
    if(is_set)
      list(APPEND meaning "${text}")
    endif()
  endforeach()
  list(JOIN meaning ", " meaning)
  set(${out} "${meaning}" PARENT_SCOPE)
endfunction()

function(socle_abi_diff)
  if(NOT EXISTS "${BASELINE}")
    message(FATAL_ERROR "${BASELINE} does not exist: run tools/update-abi-baseline.sh BUILD_DIR")
  endif()
  socle_abi_compare("${BASELINE}" "${LIBRARY}" "${SUPPRESSIONS}" result report)
  message(STATUS "abidiff ${BASELINE} ${LIBRARY}:\n${report}")
  if(NOT result STREQUAL "0")
    socle_abi_explain("${result}" meaning)
    message(FATAL_ERROR "abidiff exited with ${result} (${meaning}). Any non-zero exit fails the "
      "ABI gate. If the change is on purpose, run tools/update-abi-baseline.sh BUILD_DIR and "
      "commit abi/ together with the version change.")
  endif()
endfunction()

if(CMAKE_SCRIPT_MODE_FILE STREQUAL CMAKE_CURRENT_LIST_FILE)
  if(MODE STREQUAL "check-symbols")
    socle_abi_check_symbols()
  elseif(MODE STREQUAL "write-symbols")
    socle_abi_write_symbols()
  elseif(MODE STREQUAL "abidw")
    socle_abi_dump()
  elseif(MODE STREQUAL "abidiff")
    socle_abi_diff()
  else()
    message(FATAL_ERROR "MODE must be check-symbols, write-symbols, abidw or abidiff")
  endif()
endif()
