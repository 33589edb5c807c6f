# Installation and packaging of socle: the two shared libraries, the public headers, a CMake
# package (socleConfig.cmake, socleConfigVersion.cmake, socleTargets.cmake) and pkg-config files.
#
# Install components (as fmt and spdlog do, so distributions can split packages):
#   runtime      the versioned shared libraries (libsocle.so.0, libsocle_cxx.so.0) and the CLI
#   development  headers, the unversioned namelinks, the CMake package, the .pc files, the
#                schemas (proto/CMakeLists.txt) and the example policies
#
# Everything is installed under relative GNUInstallDirs destinations, so `cmake --install
# --prefix` may choose the prefix at install time and the installed tree can be moved as a whole:
# the CMake files compute their prefix from their own location, the .pc files from ${pcfiledir}.
include(CMakePackageConfigHelpers)

set(SOCLE_INSTALL_CMAKEDIR "${CMAKE_INSTALL_LIBDIR}/cmake/socle"
  CACHE STRING "Where socleConfig.cmake is installed, relative to the prefix")
set(SOCLE_INSTALL_PKGCONFIGDIR "${CMAKE_INSTALL_LIBDIR}/pkgconfig"
  CACHE STRING "Where socle.pc and socle_cxx.pc are installed, relative to the prefix")
mark_as_advanced(SOCLE_INSTALL_CMAKEDIR SOCLE_INSTALL_PKGCONFIGDIR)

# libsocle.so needs libsocle_cxx.so, which sits next to it. A vendor linking with `pkg-config
# --libs socle` only passes -lsocle, and neither ld (which ignores -L when it looks for the
# dependencies of a shared library) nor ld.so (the program's RUNPATH does not apply to indirect
# dependencies) would find libsocle_cxx.so in a prefix outside the system paths. $ORIGIN makes the
# library find its sibling wherever the tree is installed or moved. A packager who wants no
# RUNPATH at all defines CMAKE_INSTALL_RPATH (an empty value is enough) or the target property.
get_target_property(_socle_install_rpath socle INSTALL_RPATH)
if(NOT _socle_install_rpath AND NOT DEFINED CMAKE_INSTALL_RPATH)
  set_target_properties(socle PROPERTIES INSTALL_RPATH "$ORIGIN")
endif()

install(TARGETS socle socle_cxx
  EXPORT socleTargets
  LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT runtime
    NAMELINK_COMPONENT development
  ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR}
    COMPONENT development
  RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
    COMPONENT runtime)

# The command line is a program, not something to link: it is installed but not exported.
if(TARGET socle_cli)
  get_target_property(_socle_cli_rpath socle_cli INSTALL_RPATH)
  if(NOT _socle_cli_rpath AND NOT DEFINED CMAKE_INSTALL_RPATH)
    # The CLI links socle's shared libraries: let it find them from bin/ wherever the tree is.
    file(RELATIVE_PATH _socle_bin_to_lib
      "/prefix/${CMAKE_INSTALL_BINDIR}" "/prefix/${CMAKE_INSTALL_LIBDIR}")
    set_target_properties(socle_cli PROPERTIES INSTALL_RPATH "$ORIGIN/${_socle_bin_to_lib}")
  endif()
  install(TARGETS socle_cli RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT runtime)
endif()

# Only the public headers: socle.h (C ABI) and the *.hpp of the C++ API. Internal headers live
# under src/ and never reach a vendor.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/include/socle
  DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
  COMPONENT development
  FILES_MATCHING PATTERN "*.h" PATTERN "*.hpp")

# The example policies are where a DPO starts from, and what the installed-package tests load.
# Broken variants used by the tests are not examples.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/examples/policies/
  DESTINATION ${CMAKE_INSTALL_DATADIR}/socle/examples/policies
  COMPONENT development
  FILES_MATCHING PATTERN "*.textproto"
  PATTERN "broken" EXCLUDE
  PATTERN "invalid" EXCLUDE)

# --- CMake package --------------------------------------------------------------------------

install(EXPORT socleTargets
  NAMESPACE socle::
  DESTINATION ${SOCLE_INSTALL_CMAKEDIR}
  FILE socleTargets.cmake
  COMPONENT development)

configure_package_config_file(
  ${CMAKE_CURRENT_LIST_DIR}/socleConfig.cmake.in
  ${PROJECT_BINARY_DIR}/socleConfig.cmake
  INSTALL_DESTINATION ${SOCLE_INSTALL_CMAKEDIR})

# Within a major version the C ABI does not break (STYLE.md, C ABI rule 11), hence
# SameMajorVersion; the pointer size is checked too, as the libraries are architecture-specific.
write_basic_package_version_file(
  ${PROJECT_BINARY_DIR}/socleConfigVersion.cmake
  VERSION ${PROJECT_VERSION}
  COMPATIBILITY SameMajorVersion)

# The installed config includes the same dependency file as the build, in consumer mode, so the
# build and its consumers can never disagree on how a dependency is found.
install(FILES
    ${PROJECT_BINARY_DIR}/socleConfig.cmake
    ${PROJECT_BINARY_DIR}/socleConfigVersion.cmake
    ${CMAKE_CURRENT_LIST_DIR}/socleDependencies.cmake
  DESTINATION ${SOCLE_INSTALL_CMAKEDIR}
  COMPONENT development)

# --- pkg-config -----------------------------------------------------------------------------

# prefix=${pcfiledir}/<up to the prefix> keeps the .pc files valid after the tree is moved. The
# number of `..` depends on the pkgconfig directory (lib/pkgconfig, or lib/<multiarch>/pkgconfig
# for a /usr prefix on Debian). Absolute install dirs cannot be relocated: use them as given.
if(IS_ABSOLUTE "${SOCLE_INSTALL_PKGCONFIGDIR}" OR IS_ABSOLUTE "${CMAKE_INSTALL_LIBDIR}"
   OR IS_ABSOLUTE "${CMAKE_INSTALL_INCLUDEDIR}")
  set(SOCLE_PC_PREFIX "${CMAKE_INSTALL_PREFIX}")
  set(SOCLE_PC_LIBDIR "${CMAKE_INSTALL_FULL_LIBDIR}")
  set(SOCLE_PC_INCLUDEDIR "${CMAKE_INSTALL_FULL_INCLUDEDIR}")
else()
  file(RELATIVE_PATH _socle_pc_to_prefix "/prefix/${SOCLE_INSTALL_PKGCONFIGDIR}" "/prefix")
  string(REGEX REPLACE "/$" "" _socle_pc_to_prefix "${_socle_pc_to_prefix}")
  set(SOCLE_PC_PREFIX "\${pcfiledir}/${_socle_pc_to_prefix}")
  set(SOCLE_PC_LIBDIR "\${prefix}/${CMAKE_INSTALL_LIBDIR}")
  set(SOCLE_PC_INCLUDEDIR "\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}")
endif()

# The C++ API's headers include Abseil's: socle_cxx.pc requires the Abseil modules of the targets
# that socle_cxx links publicly (absl::status -> absl_status.pc, as Abseil names them).
get_target_property(_socle_cxx_public socle_cxx INTERFACE_LINK_LIBRARIES)
set(SOCLE_CXX_PC_REQUIRES "")
foreach(_dep IN LISTS _socle_cxx_public)
  if(_dep MATCHES "^absl::(.+)$")
    list(APPEND SOCLE_CXX_PC_REQUIRES "absl_${CMAKE_MATCH_1}")
  elseif(_dep)
    message(WARNING "socle_cxx links ${_dep} publicly; socle_cxx.pc does not know its module name")
  endif()
endforeach()
list(REMOVE_DUPLICATES SOCLE_CXX_PC_REQUIRES)
list(JOIN SOCLE_CXX_PC_REQUIRES ", " SOCLE_CXX_PC_REQUIRES)

configure_file(${CMAKE_CURRENT_LIST_DIR}/socle.pc.in ${PROJECT_BINARY_DIR}/socle.pc @ONLY)
configure_file(${CMAKE_CURRENT_LIST_DIR}/socle_cxx.pc.in ${PROJECT_BINARY_DIR}/socle_cxx.pc @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/socle.pc ${PROJECT_BINARY_DIR}/socle_cxx.pc
  DESTINATION ${SOCLE_INSTALL_PKGCONFIGDIR}
  COMPONENT development)
