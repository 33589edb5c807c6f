# package.python_venv: `pip install ./bindings/python` offline into a venv, as bindings/python/
# README.md says (Debian's setuptools and wheel, no build isolation, no index), then a small
# script in that venv, finding libsocle first through the dynamic linker (LD_LIBRARY_PATH on the
# staged install stands for a system-wide install and ldconfig), then through SOCLE_LIBRARY.
include(${CMAKE_CURRENT_LIST_DIR}/common.cmake)
socle_require_policy("${STAGE}")

# pip builds a local directory in place (build/, socle.egg-info/): it builds a copy of what it
# reads, bindings/python and the header it takes the version from, so the source tree stays clean.
file(REMOVE_RECURSE "${WORK}")
file(COPY "${SOURCE_DIR}/bindings/python" DESTINATION "${WORK}/src/bindings"
  PATTERN "__pycache__" EXCLUDE PATTERN "build" EXCLUDE PATTERN "*.egg-info" EXCLUDE)
file(COPY "${SOURCE_DIR}/include/socle/socle.h" DESTINATION "${WORK}/src/include/socle")

set(venv "${WORK}/venv")
set(clean env -i "HOME=${WORK}" PATH=/usr/bin:/bin PIP_DISABLE_PIP_VERSION_CHECK=1
  PIP_NO_INPUT=1 PYTHONDONTWRITEBYTECODE=1)
socle_run("python3 -m venv"
  COMMAND ${clean} "${PYTHON}" -m venv --system-site-packages "${venv}")
socle_run("pip install ./bindings/python"
  COMMAND ${clean} "${venv}/bin/pip" install --no-build-isolation --no-index --no-cache-dir
          "${WORK}/src/bindings/python")

file(GLOB installed "${venv}/lib/python3*/site-packages/socle/__init__.py")
if(NOT installed)
  message(FATAL_ERROR "pip did not install the socle package into ${venv}")
endif()

socle_run("the pip-installed package, library from the dynamic linker's path"
  COMMAND ${clean} "LD_LIBRARY_PATH=${STAGE}/${LIBDIR}" "${venv}/bin/python" "${SMOKE}"
          "${STAGE}/${POLICY}"
  OUTPUT_VARIABLE out)
message(STATUS "python_smoke.py:\n${out}")
socle_check_python_smoke("${out}" "${installed}")
if(NOT out MATCHES "\nlibrary: libsocle.so.${SOVERSION}\n")
  message(FATAL_ERROR "the package did not load libsocle.so.${SOVERSION} by its SONAME")
endif()
if(NOT out MATCHES "\ndistribution: ${VERSION}\n")
  message(FATAL_ERROR "pip installed a distribution whose version is not ${VERSION} (socle.h)")
endif()

socle_run("the pip-installed package, library from SOCLE_LIBRARY"
  COMMAND ${clean} "SOCLE_LIBRARY=${LIBRARY}" "${venv}/bin/python" "${SMOKE}"
          "${STAGE}/${POLICY}"
  OUTPUT_VARIABLE out)
socle_check_python_smoke("${out}" "${installed}")
if(NOT out MATCHES "\nlibrary: ${LIBRARY}\n")
  message(FATAL_ERROR "SOCLE_LIBRARY=${LIBRARY} was not the library loaded:\n${out}")
endif()
