"""Stand-in of conan.tools.env."""


class VirtualBuildEnv:
    def __init__(self, conanfile, *args, **kwargs):
        self._conanfile = conanfile

    def generate(self, *args, **kwargs):
        pass


class VirtualRunEnv(VirtualBuildEnv):
    pass
