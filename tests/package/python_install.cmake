# package.python: the Python package of the staged `cmake --install` imports from a clean
# environment (only PYTHONPATH, as a prefix outside sys.path needs) and finds the staged libsocle
# by itself, through the _installed.py that the install wrote next to it.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
socle_require_policy("${STAGE}")

set(site "${STAGE}/${PYTHONDIR}")
foreach(file socle/__init__.py socle/_cdef.py socle/_installed.py
    socle-${VERSION}.dist-info/METADATA)
  if(NOT EXISTS "${site}/${file}")
    message(FATAL_ERROR "not installed: ${PYTHONDIR}/${file}")
  endif()
endforeach()

socle_run("the installed Python package"
  COMMAND env -i "PYTHONPATH=${site}" PYTHONDONTWRITEBYTECODE=1
          "${PYTHON}" "${SMOKE}" "${STAGE}/${POLICY}"
  OUTPUT_VARIABLE out)
message(STATUS "python_smoke.py:\n${out}")
socle_check_python_smoke("${out}" "${site}/socle/__init__.py")
if(NOT out MATCHES "\ndistribution: ${VERSION}\n")
  message(FATAL_ERROR "the installed distribution metadata does not say version ${VERSION}")
endif()
if(NOT out MATCHES "\nlibrary: ([^\n]+)\n")
  message(FATAL_ERROR "the package printed no library path")
endif()
file(REAL_PATH "${CMAKE_MATCH_1}" loaded)
file(REAL_PATH "${STAGE}/${LIBDIR}/libsocle.so.${SOVERSION}" staged)
if(NOT loaded STREQUAL staged)
  message(FATAL_ERROR "the installed package loaded ${loaded}, not the installed ${staged}")
endif()
