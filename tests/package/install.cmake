# package.install: `cmake --install` into a fresh prefix, then checks what a packager would:
# the expected files are there, nothing internal is, and nothing installed points back into the
# build or source tree (RUNPATH, CMake and pkg-config files).
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)

file(REMOVE_RECURSE "${STAGE}")
socle_run("cmake --install"
  COMMAND ${CMAKE_COMMAND} --install "${BUILD_DIR}" --prefix "${STAGE}" --config "${CONFIG}")

set(expected
  ${LIBDIR}/libsocle.so
  ${LIBDIR}/libsocle.so.${SOVERSION}
  ${LIBDIR}/libsocle_cxx.so
  ${LIBDIR}/libsocle_cxx.so.${SOVERSION}
  ${INCLUDEDIR}/socle/socle.h
  ${INCLUDEDIR}/socle/policy.hpp
  ${LIBDIR}/cmake/socle/socleConfig.cmake
  ${LIBDIR}/cmake/socle/socleConfigVersion.cmake
  ${LIBDIR}/cmake/socle/socleTargets.cmake
  ${LIBDIR}/cmake/socle/socleDependencies.cmake
  ${LIBDIR}/pkgconfig/socle.pc
  ${LIBDIR}/pkgconfig/socle_cxx.pc)
if(WITH_CLI)
  list(APPEND expected ${BINDIR}/socle)
endif()
foreach(file IN LISTS expected)
  if(NOT EXISTS "${STAGE}/${file}")
    message(FATAL_ERROR "not installed: ${file}")
  endif()
endforeach()

# Only the public headers: the C ABI and the C++ API, nothing from src/ or generated code.
file(GLOB_RECURSE headers RELATIVE "${STAGE}/${INCLUDEDIR}" "${STAGE}/${INCLUDEDIR}/*")
file(GLOB public RELATIVE "${SOURCE_DIR}/include" "${SOURCE_DIR}/include/socle/*.h"
  "${SOURCE_DIR}/include/socle/*.hpp")
list(SORT headers)
list(SORT public)
if(NOT headers STREQUAL public)
  message(FATAL_ERROR "installed headers differ from include/socle:\n"
    "  installed: ${headers}\n  public:    ${public}")
endif()

# The static library with socle's internals is for socle's own tests, never installed.
file(GLOB_RECURSE archives "${STAGE}/*.a")
if(archives)
  message(FATAL_ERROR "static archives installed: ${archives}")
endif()

# A moved or packaged tree must not refer to where it was built.
file(GLOB_RECURSE text_files "${STAGE}/${LIBDIR}/cmake/*" "${STAGE}/${LIBDIR}/pkgconfig/*")
foreach(file IN LISTS text_files)
  file(READ "${file}" content)
  foreach(tree "${BUILD_DIR}" "${SOURCE_DIR}" "${STAGE}")
    string(FIND "${content}" "${tree}" at)
    if(NOT at EQUAL -1)
      message(FATAL_ERROR "${file} contains the absolute path ${tree}")
    endif()
  endforeach()
endforeach()

if(READELF)
  file(GLOB binaries "${STAGE}/${LIBDIR}/libsocle*.so.*.*" "${STAGE}/${BINDIR}/*")
  foreach(binary IN LISTS binaries)
    socle_run("readelf" COMMAND ${READELF} -d "${binary}" OUTPUT_VARIABLE dynamic)
    foreach(tree "${BUILD_DIR}" "${SOURCE_DIR}")
      string(FIND "${dynamic}" "${tree}" at)
      if(NOT at EQUAL -1)
        message(FATAL_ERROR "${binary} has a RUNPATH into ${tree}:\n${dynamic}")
      endif()
    endforeach()
  endforeach()
endif()

# The command line runs from the installed tree without any environment (its RUNPATH is
# relative to itself).
if(WITH_CLI)
  socle_run("installed socle version" COMMAND "${STAGE}/${BINDIR}/socle" version
    OUTPUT_VARIABLE cli_version)
  if(NOT cli_version MATCHES "${VERSION}")
    message(FATAL_ERROR "`socle version` printed '${cli_version}', expected ${VERSION}")
  endif()
endif()
message(STATUS "socle ${VERSION} staged in ${STAGE}")
