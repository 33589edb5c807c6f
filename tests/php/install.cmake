# php.install: what a PHP vendor does. bindings/php is copied out of the tree (as Composer's
# "path" repository or a vendored copy would), libsocle is installed into a fresh prefix, and a
# script that only requires the copy's autoload.php finds the library by its default soname
# (libsocle.so.0 through LD_LIBRARY_PATH, SOCLE_LIBRARY unset), loads the installed example
# policy, and sees a policy error with its line.
foreach(var BUILD_DIR SOURCE_DIR STAGE WORK PHP LIBDIR DATADIR VERSION)
  if(NOT DEFINED ${var})
    message(FATAL_ERROR "php.install: ${var} is not set")
  endif()
endforeach()

include("${CMAKE_CURRENT_LIST_DIR}/../package/common.cmake")  # socle_run

file(REMOVE_RECURSE "${STAGE}" "${WORK}")
socle_run("cmake --install" COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${STAGE}"
  --component runtime OUTPUT_VARIABLE output)
file(COPY "${SOURCE_DIR}/bindings/php/" DESTINATION "${WORK}/vendor/socle/socle")
file(WRITE "${WORK}/example.php" [=[<?php
require __DIR__ . '/vendor/socle/socle/autoload.php';
$policy = Socle\Policy::loadFile($argv[1]);
echo 'version=', Socle\Library::version(), ' policy=', $policy->id(), "\n";
try {
    Socle\Policy::load("format_version: 1\nid: \"x\"\ncolour: 1\n", 'bad.textproto');
    exit(3);
} catch (Socle\SocleException $e) {
    echo 'status=', $e->statusName(), ' line=', $e->diagnostics()[0]->line, "\n";
}
]=])
socle_run("php" COMMAND ${CMAKE_COMMAND} -E env --unset=SOCLE_LIBRARY
  "LD_LIBRARY_PATH=${STAGE}/${LIBDIR}"
  ${PHP} -d ffi.enable=true "${WORK}/example.php"
  "${SOURCE_DIR}/examples/policies/ccas.textproto" OUTPUT_VARIABLE output)
if(NOT output MATCHES "version=${VERSION} policy=[^\n]+\nstatus=PARSE line=3\n")
  message(FATAL_ERROR "unexpected output of the vendored PHP package:\n${output}")
endif()
message(STATUS "php.install: ${output}")
