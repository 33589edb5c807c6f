# package.pkgconfig: moves the staged install to another directory, then builds the consumer
# programs with nothing but the compiler and `pkg-config --cflags --libs`, as a vendor's Makefile
# would, and runs them with LD_LIBRARY_PATH. Success means the .pc files and the libraries are
# relocatable.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
if(NOT PKG_CONFIG)
  message(FATAL_ERROR "pkg-config not found (Debian package pkg-config)")
endif()

file(REMOVE_RECURSE "${RELOCATED}" "${BINARY_DIR}")
file(MAKE_DIRECTORY "${RELOCATED}" "${BINARY_DIR}")
# file(COPY) keeps the libraries' symlinks (libsocle.so -> libsocle.so.0 -> ...) as symlinks.
file(COPY "${STAGE}/" DESTINATION "${RELOCATED}")
socle_require_policy("${RELOCATED}")

# Our .pc files first; the system's stay visible for Abseil's, which socle_cxx.pc requires.
set(ENV{PKG_CONFIG_PATH} "${RELOCATED}/${LIBDIR}/pkgconfig")

socle_run("pkg-config --modversion" COMMAND ${PKG_CONFIG} --modversion socle
  OUTPUT_VARIABLE modversion)
string(STRIP "${modversion}" modversion)
if(NOT modversion STREQUAL VERSION)
  message(FATAL_ERROR "socle.pc says version ${modversion}, the project is ${VERSION}")
endif()

# socle.pc: the C ABI, for a C program.
# socle_cxx.pc: the C++ API, for a C++17 program (its headers need no more; it pulls Abseil's
# flags through Requires).
set(c_compile "${C_COMPILER} ${C_FLAGS} -std=c11")
set(cxx_compile "${CXX_COMPILER} ${CXX_FLAGS} -std=c++17")
foreach(case "c;socle;test_package.c;test_package_c" "cxx;socle_cxx;test_package.cpp;test_package")
  list(GET case 0 lang)
  list(GET case 1 module)
  list(GET case 2 source)
  list(GET case 3 program)
  socle_run("pkg-config ${module}" COMMAND ${PKG_CONFIG} --cflags --libs ${module}
    OUTPUT_VARIABLE flags)
  string(STRIP "${flags}" flags)
  message(STATUS "pkg-config --cflags --libs ${module}: ${flags}")
  # The flags must point into the moved tree, never to where it was staged.
  string(FIND "${flags}" "${RELOCATED}/" in_relocated)
  string(FIND "${flags}" "${STAGE}/" in_stage)
  if(in_relocated EQUAL -1 OR NOT in_stage EQUAL -1)
    message(FATAL_ERROR "${module}.pc does not follow the moved tree: ${flags}")
  endif()
  separate_arguments(flags UNIX_COMMAND "${flags}")
  separate_arguments(compile UNIX_COMMAND "${${lang}_compile} ${EXE_LINKER_FLAGS}")
  socle_run("compiling ${source} with ${module}.pc" COMMAND ${compile}
    "${TEST_PACKAGE}/${source}" -o "${BINARY_DIR}/${program}" ${flags})
endforeach()

set(ENV{LD_LIBRARY_PATH} "${RELOCATED}/${LIBDIR}")
socle_run("test_package_c" COMMAND "${BINARY_DIR}/test_package_c" "${RELOCATED}/${POLICY}"
  OUTPUT_VARIABLE c_out)
socle_run("test_package" COMMAND "${BINARY_DIR}/test_package" "${RELOCATED}/${POLICY}"
  OUTPUT_VARIABLE cxx_out)
socle_check_consumers("${c_out}" "${cxx_out}")
