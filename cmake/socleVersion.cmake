# The version lives in one place, include/socle/socle.h (SOCLE_VERSION_MAJOR/MINOR/PATCH), as
# zstd's lives in lib/zstd.h. CMake reads it from there before project(), and everything else
# derives from PROJECT_VERSION: the SONAME, the libraries' VERSION, socleConfigVersion.cmake and
# the .pc files. The conan recipe (conan/conanfile.py, set_version) and the Python package read
# the same three macros. tests/hygiene/no_hardcoded_version.py fails on any other copy.

# socle_read_version(<header> <out_var>): sets <out_var> to "MAJOR.MINOR.PATCH" from <header>.
function(socle_read_version header out_var)
  # Bumping the version in the header re-runs the configuration.
  set_property(DIRECTORY APPEND PROPERTY CMAKE_CONFIGURE_DEPENDS "${header}")
  file(STRINGS "${header}" _lines REGEX "^#define SOCLE_VERSION_(MAJOR|MINOR|PATCH) +[0-9]+ *$")
  set(_parts "")
  foreach(_part MAJOR MINOR PATCH)
    if(NOT _lines MATCHES "#define SOCLE_VERSION_${_part} +([0-9]+)")
      message(FATAL_ERROR "${header}: no '#define SOCLE_VERSION_${_part} <number>' line")
    endif()
    list(APPEND _parts ${CMAKE_MATCH_1})
  endforeach()
  list(JOIN _parts "." _version)
  set(${out_var} "${_version}" PARENT_SCOPE)
endfunction()
