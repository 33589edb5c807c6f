# Runs a command and passes only when it exits 0 AND its standard output matches a regular
# expression (PASS_REGULAR_EXPRESSION alone would ignore the exit code: issue 7).
#
#   cmake -DCOMMAND="prog|arg|arg" -DREGEX=... -P run_and_match.cmake
#
# `|` separates the words of COMMAND (a `;` would split the -D argument).
foreach(var COMMAND REGEX)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_and_match.cmake: -D${var}= is required")
  endif()
endforeach()
string(REPLACE "|" ";" command "${COMMAND}")
execute_process(COMMAND ${command} RESULT_VARIABLE result OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${command} exited with ${result}\nstdout:\n${out}\nstderr:\n${err}")
endif()
if(NOT out MATCHES "${REGEX}")
  message(FATAL_ERROR "the output of ${command} does not match '${REGEX}':\n${out}")
endif()
message(STATUS "exit 0 and the output matches '${REGEX}'")
