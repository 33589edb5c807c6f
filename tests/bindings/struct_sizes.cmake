# socle_struct_sizes(<out-var>): "socle_buffer=16,socle_access_request=64,…": the size the C
# compiler gives every public struct of socle.h (read from the header, so a new struct is
# included). The PHP and Java tests compare them with the layouts their generated declarations
# give, so a field mapped to a type of the wrong width fails there.
include(CheckTypeSize)

function(socle_struct_sizes out_var)
  file(STRINGS ${PROJECT_SOURCE_DIR}/include/socle/socle.h _lines
    REGEX "^typedef struct socle_[a-z0-9_]+ {")
  set(CMAKE_EXTRA_INCLUDE_FILES socle/socle.h)
  set(CMAKE_REQUIRED_INCLUDES ${PROJECT_SOURCE_DIR}/include)
  set(CMAKE_REQUIRED_QUIET ON)
  set(_sizes "")
  foreach(_line IN LISTS _lines)
    string(REGEX REPLACE "^typedef struct (socle_[a-z0-9_]+) {.*" "\\1" _name "${_line}")
    # Not cached across configures: a struct that grew (a new request version) must be measured
    # again, and socle.h is a configure dependency (its version macros), so an edit reconfigures.
    unset(SOCLE_SIZEOF_${_name} CACHE)
    unset(HAVE_SOCLE_SIZEOF_${_name} CACHE)
    check_type_size("${_name}" SOCLE_SIZEOF_${_name} LANGUAGE C)
    if(NOT SOCLE_SIZEOF_${_name})
      message(FATAL_ERROR "socle: cannot compute sizeof(${_name})")
    endif()
    list(APPEND _sizes "${_name}=${SOCLE_SIZEOF_${_name}}")
  endforeach()
  list(JOIN _sizes "," _joined)
  set(${out_var} "${_joined}" PARENT_SCOPE)
endfunction()
