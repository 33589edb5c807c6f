"""Prints where `cmake --install` puts the socle package, relative to the prefix in argv[1].

Run by bindings/python/CMakeLists.txt with the interpreter the package is for (SOCLE_PYTHON).
The answer is the site directory that interpreter searches under the prefix: on Debian,
lib/python3/dist-packages for /usr (the "deb_system" scheme, where Debian's own packages go) and
lib/python3.X/dist-packages for /usr/local. For a prefix it does not search (a staging directory,
/opt/socle), the layout of Python's prefix scheme (lib/python3.X/site-packages), to put on
PYTHONPATH.
"""

import os
import site
import sys
import sysconfig


def install_dir(prefix: str) -> str:
    prefix = os.path.normpath(os.path.abspath(prefix))
    if "deb_system" in sysconfig.get_scheme_names() and prefix == "/usr":
        return os.path.relpath(sysconfig.get_path("purelib", "deb_system", {"base": prefix}),
                               prefix)
    for path in site.getsitepackages():
        relative = os.path.relpath(path, prefix)
        # Not a directory of a nested prefix (/usr/local under /usr, handled above).
        if not relative.startswith(("..", "local" + os.sep)):
            return relative
    return os.path.relpath(sysconfig.get_path("purelib", "posix_prefix", {"base": prefix}),
                           prefix)


if __name__ == "__main__":
    print(install_dir(sys.argv[1]))
