"""Stand-in of conan.tools.cmake: the generators and helpers only record that they were used."""


def cmake_layout(conanfile, generator=None, src_folder=".", build_folder="build"):
    conanfile.layout_used = ("cmake_layout", src_folder)


class _Recorder:
    def __init__(self, conanfile, *args, **kwargs):
        self._conanfile = conanfile
        self.variables = {}
        self.cache_variables = {}
        self.preprocessor_definitions = {}

    def generate(self, *args, **kwargs):
        self._conanfile.__dict__.setdefault("generated", []).append(self)


class CMakeToolchain(_Recorder):
    pass


class CMakeDeps(_Recorder):
    def set_property(self, *args, **kwargs):
        pass


class CMake:
    def __init__(self, conanfile):
        self._conanfile = conanfile

    def configure(self, *args, **kwargs):
        pass

    def build(self, *args, **kwargs):
        pass

    def install(self, *args, **kwargs):
        pass

    def test(self, *args, **kwargs):
        pass
