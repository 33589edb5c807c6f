# The one place where socle's dependencies are found, used by the build and by the installed
# socleConfig.cmake. Set SOCLE_DEPENDENCIES_CONSUMER to TRUE before including it from an installed
# config: consumers then only look for what the public interface needs (Abseil, for the C++ API).
#
# Abseil: CONFIG (Debian and Conan both ship one).
# Protobuf: CMake's FindProtobuf module (Debian ships no config), CONFIG under Conan.
# libsodium: CONFIG first (Conan), then pkg-config (Debian).
# SQLite: CMake's FindSQLite3 module.
# libpq: CONFIG first (Conan), then pkg-config (Debian); the ledger's PostgreSQL store, linked
# privately, never in the public API.
# GLPK: CONFIG first (Conan), then find_path/find_library (Debian's libglpk-dev ships neither a config
# nor a .pc file); the statistics audit's LP solver (src/stats/audit.cc), linked privately.
include(CMakeFindDependencyMacro)

if(NOT COMMAND socle_find_package)
  # find_dependency() returns from the including file on failure, which is what an installed
  # config wants; the build wants a hard error instead.
  macro(socle_find_package)
    if(SOCLE_DEPENDENCIES_CONSUMER)
      find_dependency(${ARGV})
    else()
      find_package(${ARGV} REQUIRED)
    endif()
  endmacro()
endif()

socle_find_package(absl CONFIG)

if(NOT SOCLE_DEPENDENCIES_CONSUMER)
  find_package(Protobuf CONFIG QUIET)
  if(NOT Protobuf_FOUND)
    find_package(Protobuf MODULE REQUIRED)
  endif()

  find_package(libsodium CONFIG QUIET)
  if(TARGET libsodium::libsodium)
    set(SOCLE_SODIUM_TARGET libsodium::libsodium)
  else()
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(SOCLE_SODIUM REQUIRED IMPORTED_TARGET libsodium>=1.0.18)
    set(SOCLE_SODIUM_TARGET PkgConfig::SOCLE_SODIUM)
  endif()

  find_package(SQLite3 REQUIRED)

  # libpq: the ledger's PostgreSQL store (src/ledger/pg_store.cc). CONFIG first (Conan's
  # libpq package), then pkg-config (Debian's libpq-dev), as libsodium.
  find_package(PostgreSQL CONFIG QUIET)
  if(TARGET PostgreSQL::PostgreSQL)
    set(SOCLE_LIBPQ_TARGET PostgreSQL::PostgreSQL)
  else()
    find_package(PkgConfig REQUIRED)
    pkg_check_modules(LIBPQ REQUIRED IMPORTED_TARGET libpq)
    set(SOCLE_LIBPQ_TARGET PkgConfig::LIBPQ)
  endif()

  # GLPK: the attacker's linear programs of the statistics audit (src/stats/audit.cc). CONFIG
  # first (Conan's glpk package), then the headers and library themselves (Debian's libglpk-dev).
  find_package(glpk CONFIG QUIET)
  if(TARGET glpk::glpk AND NOT TARGET socle::glpk)
    add_library(socle::glpk INTERFACE IMPORTED)
    set_target_properties(socle::glpk PROPERTIES INTERFACE_LINK_LIBRARIES glpk::glpk)
  endif()
  if(NOT TARGET socle::glpk)
    find_path(SOCLE_GLPK_INCLUDE_DIR glpk.h REQUIRED)
    find_library(SOCLE_GLPK_LIBRARY NAMES glpk REQUIRED)
    add_library(socle::glpk UNKNOWN IMPORTED)
    set_target_properties(socle::glpk PROPERTIES
      IMPORTED_LOCATION ${SOCLE_GLPK_LIBRARY}
      INTERFACE_INCLUDE_DIRECTORIES ${SOCLE_GLPK_INCLUDE_DIR})
  endif()

  if(SOCLE_BUILD_TESTS)
    find_package(Boost 1.74 REQUIRED COMPONENTS unit_test_framework)
  endif()
  if(SOCLE_BUILD_BENCHMARKS)
    find_package(benchmark CONFIG REQUIRED)
  endif()
endif()
