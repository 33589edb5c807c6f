# Runs one fuzzer for a short while on a fresh copy of its seed corpus (cmake -P script, run by
# the fuzz-smoke CTest tests).
#
#   -DFUZZER=path        the fuzzer executable
#   -DSEEDS=glob|glob    seed files, globbed now (files added after configuring are picked up)
#   -DDICT=path          libFuzzer dictionary (optional)
#   -DMAX_LEN=bytes      the largest input the fuzzer makes (optional; libFuzzer's default 4096)
#   -DWORK_DIR=path      scratch directory in the build tree; emptied first
#   -DMAX_TOTAL_TIME=s   -DRSS_LIMIT_MB=mb
#
# The corpus directory receives the inputs the fuzzer finds; crashes and leaks are written to
# WORK_DIR/artifacts/ so they can be replayed with `FUZZER artifact`.
foreach(var FUZZER WORK_DIR MAX_TOTAL_TIME RSS_LIMIT_MB)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "run_fuzz_smoke.cmake: -D${var}= is required")
  endif()
endforeach()

file(REMOVE_RECURSE ${WORK_DIR}/corpus)
file(MAKE_DIRECTORY ${WORK_DIR}/corpus ${WORK_DIR}/artifacts)

set(seed_count 0)
string(REPLACE "|" ";" SEEDS "${SEEDS}")
foreach(pattern IN LISTS SEEDS)
  file(GLOB seeds ${pattern})
  foreach(seed IN LISTS seeds)
    # Seeds from different folders may share a name: prefix the parent folder.
    get_filename_component(parent ${seed} DIRECTORY)
    get_filename_component(parent ${parent} NAME)
    get_filename_component(base ${seed} NAME)
    file(COPY_FILE ${seed} ${WORK_DIR}/corpus/${parent}_${base})
    math(EXPR seed_count "${seed_count} + 1")
  endforeach()
endforeach()
message(STATUS "${seed_count} seed files copied into ${WORK_DIR}/corpus")
if(seed_count EQUAL 0)
  message(WARNING "no seed file found: fuzzing from an empty corpus")
endif()

set(args -max_total_time=${MAX_TOTAL_TIME} -rss_limit_mb=${RSS_LIMIT_MB} -timeout=25
    -print_final_stats=1 -artifact_prefix=${WORK_DIR}/artifacts/)
if(DICT)
  if(NOT EXISTS ${DICT})
    message(FATAL_ERROR "the dictionary ${DICT} does not exist")
  endif()
  list(APPEND args -dict=${DICT})
endif()
if(MAX_LEN)
  list(APPEND args -max_len=${MAX_LEN})
endif()
execute_process(
  COMMAND ${FUZZER} ${args} ${WORK_DIR}/corpus
  WORKING_DIRECTORY ${WORK_DIR}
  RESULT_VARIABLE result)
if(NOT result EQUAL 0)
  message(FATAL_ERROR "${FUZZER} failed (${result}); see ${WORK_DIR}/artifacts/ for the input")
endif()
