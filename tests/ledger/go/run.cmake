# Builds tests/ledger/go/verify_checkpoint.go offline against Debian's golang.org/x/mod
# (GOPATH mode over /usr/share/gocode: no module download, no network) and runs it on the
# samples of ledger_checkpoint_samples.
#   cmake -DGO=go -DSOURCE=verify_checkpoint.go -DWORK_DIR=dir -DSAMPLES=dir -P run.cmake
# Says "SKIP:" (the test's SKIP_REGULAR_EXPRESSION) when Go or golang-golang-x-mod-dev is
# missing (tools/debian-packages.txt installs both).
set(gopath /usr/share/gocode)
if(NOT GO OR NOT EXISTS ${gopath}/src/golang.org/x/mod/sumdb/note/note.go)
  message(FATAL_ERROR "SKIP: needs golang-go and golang-golang-x-mod-dev (tools/install-deps.sh)")
endif()
file(MAKE_DIRECTORY ${WORK_DIR})
set(env GO111MODULE=off GOPATH=${gopath} GOCACHE=${WORK_DIR}/gocache GOFLAGS= GOTOOLCHAIN=local
        GOPROXY=off CGO_ENABLED=0)
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env ${env} ${GO} build -o ${WORK_DIR}/verify_checkpoint ${SOURCE}
  RESULT_VARIABLE built)
if(NOT built EQUAL 0)
  message(FATAL_ERROR "go build of ${SOURCE} failed (${built})")
endif()
execute_process(
  COMMAND ${WORK_DIR}/verify_checkpoint ${SAMPLES}/verifier_key.txt ${SAMPLES}/origin.txt
          ${SAMPLES}/good ${SAMPLES}/bad
  RESULT_VARIABLE verified)
if(NOT verified EQUAL 0)
  message(FATAL_ERROR "Go's note package disagrees with socle (exit ${verified})")
endif()
