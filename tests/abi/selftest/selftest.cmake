# abi.gate_selftest: the ABI gate must fail on the break it exists for (a field inserted in the
# middle of a public struct, which abidiff reports with exit code 4, not 8) and must accept a
# change of an opaque handle's layout. Guards the choice of abigail options in tests/abi/abi.cmake.
include(${CMAKE_CURRENT_LIST_DIR}/../abi.cmake)

file(MAKE_DIRECTORY "${WORK}")
set(BASELINE "${WORK}/gate.abi")
set(LIBRARY "${V1}")
set(HEADERS "${HEADERS_V1}")
socle_abi_dump()

set(failures "")
foreach(case "unchanged;${V1};0" "opaque handle grows;${V3};0" "field inserted in the middle;${V2};1")
  list(GET case 0 what)
  list(GET case 1 library)
  list(GET case 2 must_fail)
  socle_abi_compare("${BASELINE}" "${library}" "${SUPPRESSIONS}" result report)
  socle_abi_explain("${result}" meaning)
  message(STATUS "${what}: abidiff exit ${result} (${meaning})\n${report}")
  if(must_fail AND result STREQUAL "0")
    list(APPEND failures "${what}: the gate let an ABI break through")
  elseif(NOT must_fail AND NOT result STREQUAL "0")
    list(APPEND failures "${what}: the gate refused a compatible change (${meaning})")
  endif()
endforeach()
if(failures)
  list(JOIN failures "\n  " failures)
  message(FATAL_ERROR "ABI gate self-test:\n  ${failures}")
endif()
