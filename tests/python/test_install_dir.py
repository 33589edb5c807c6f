"""bindings/python/install_dir.py: where `cmake --install` puts the package, relative to the
prefix (SOCLE_INSTALL_PYTHONDIR). tests/package installs it and imports it from there."""

from __future__ import annotations

import os
import site
import sysconfig

import pytest

from install_dir import install_dir


@pytest.mark.skipif("deb_system" not in sysconfig.get_scheme_names(),
                    reason="Debian's interpreter only")
def test_debian_prefixes_go_where_debian_s_python_looks() -> None:
    assert install_dir("/usr") == "lib/python3/dist-packages"
    assert os.path.join("/usr/local", install_dir("/usr/local")) in site.getsitepackages()


def test_a_prefix_python_does_not_search_gets_the_prefix_layout() -> None:
    relative = install_dir("/opt/socle-test-prefix")
    assert not os.path.isabs(relative) and not relative.startswith("..")
    assert relative == os.path.relpath(
        sysconfig.get_path("purelib", "posix_prefix", {"base": "/opt/socle-test-prefix"}),
        "/opt/socle-test-prefix")
    assert install_dir("/opt/socle-test-prefix/") == relative
