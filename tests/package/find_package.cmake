# package.find_package: configures, builds and runs conan/test_package as a plain CMake project
# against the staged install only, the way a vendor's CMake build uses socle.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
socle_require_policy("${STAGE}")

file(REMOVE_RECURSE "${BINARY_DIR}")
# No package registry and no system prefix may provide socle: only the staged tree.
socle_run("configuring the consumer" COMMAND ${CMAKE_COMMAND}
  -S "${TEST_PACKAGE}" -B "${BINARY_DIR}" -G "${GENERATOR}"
  "-DCMAKE_BUILD_TYPE=${CONFIG}"
  "-DCMAKE_C_COMPILER=${C_COMPILER}"
  "-DCMAKE_CXX_COMPILER=${CXX_COMPILER}"
  "-DCMAKE_C_FLAGS=${C_FLAGS}"
  "-DCMAKE_CXX_FLAGS=${CXX_FLAGS}"
  "-DCMAKE_EXE_LINKER_FLAGS=${EXE_LINKER_FLAGS}"
  "-DCMAKE_PREFIX_PATH=${STAGE}"
  -DCMAKE_FIND_USE_PACKAGE_REGISTRY=OFF
  -DCMAKE_FIND_USE_SYSTEM_PACKAGE_REGISTRY=OFF
  OUTPUT_VARIABLE configure_out)

file(STRINGS "${BINARY_DIR}/CMakeCache.txt" socle_dir REGEX "^socle_DIR:")
string(REGEX REPLACE "^socle_DIR:[A-Z]+=" "" socle_dir "${socle_dir}")
if(NOT socle_dir STREQUAL "${STAGE}/${LIBDIR}/cmake/socle")
  message(FATAL_ERROR "the consumer found socle in '${socle_dir}', not in the staged install")
endif()

socle_run("building the consumer" COMMAND ${CMAKE_COMMAND} --build "${BINARY_DIR}"
  --config "${CONFIG}")

# Single- or multi-config generators put the programs in different places.
foreach(program test_package_c test_package)
  find_program(${program}_path ${program} PATHS "${BINARY_DIR}" "${BINARY_DIR}/${CONFIG}"
    NO_DEFAULT_PATH)
  if(NOT ${program}_path)
    message(FATAL_ERROR "${program} was not built in ${BINARY_DIR}")
  endif()
endforeach()
# The programs find the staged libraries through the RUNPATH CMake gives them: no environment.
socle_run("test_package_c" COMMAND "${test_package_c_path}" "${STAGE}/${POLICY}"
  OUTPUT_VARIABLE c_out)
socle_run("test_package" COMMAND "${test_package_path}" "${STAGE}/${POLICY}"
  OUTPUT_VARIABLE cxx_out)
socle_check_consumers("${c_out}" "${cxx_out}")
