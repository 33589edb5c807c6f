import os

from conan import ConanFile
from conan.tools.build import can_run
from conan.tools.cmake import CMake, cmake_layout


class SocleTestConan(ConanFile):
    settings = "os", "arch", "compiler", "build_type"
    generators = "CMakeDeps", "CMakeToolchain", "VirtualRunEnv"
    test_type = "explicit"

    def requirements(self):
        self.requires(self.tested_reference_str)

    def layout(self):
        cmake_layout(self)

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def test(self):
        if not can_run(self):
            return
        # The recipe packages the example policies; both programs load the same one.
        socle = self.dependencies["socle"]
        policy = os.path.join(socle.package_folder, "share", "socle", "examples", "policies",
                              "ccas.textproto")
        for program in ("test_package_c", "test_package"):
            self.run(f'"{os.path.join(self.cpp.build.bindir, program)}" "{policy}"',
                     env="conanrun")
