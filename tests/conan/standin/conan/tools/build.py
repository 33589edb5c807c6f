"""Stand-in of conan.tools.build."""

from conan.errors import ConanInvalidConfiguration


def check_min_cppstd(conanfile, cppstd, gnu_extensions=False):
    current = conanfile.settings.get_safe("compiler.cppstd")
    if current is None:
        return

    def rank(value):
        value = str(value).replace("gnu", "")
        return -2 if value == "98" else int(value)  # 98 comes before 11

    if rank(current) < rank(cppstd):
        raise ConanInvalidConfiguration(f"needs at least C++{cppstd}, got {current}")


def can_run(conanfile):
    return True
