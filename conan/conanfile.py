import os
import re

from conan import ConanFile
from conan.errors import ConanException, ConanInvalidConfiguration
from conan.tools.build import check_min_cppstd
from conan.tools.cmake import CMake, CMakeDeps, CMakeToolchain, cmake_layout
from conan.tools.env import VirtualBuildEnv
from conan.tools.files import copy, load, rmdir
from conan.tools.scm import Version

required_conan_version = ">=2.0.9"


class SocleConan(ConanFile):
    name = "socle"
    # No version here: set_version() reads it from include/socle/socle.h, its only home.
    description = ("Privacy core of the French digital social case file: access decisions, "
                   "consent, a tamper-evident access trail, pseudonymisation and exports")
    license = "LicenseRef-socle"
    homepage = "https://example.invalid/socle"
    url = "https://example.invalid/socle"
    topics = ("privacy", "gdpr", "social-work", "access-control", "audit-log")
    # The C ABI is a shared library by design (its ABI is what vendors pin): no static option.
    package_type = "shared-library"
    settings = "os", "arch", "compiler", "build_type"
    options = {
        "with_cli": [True, False],
    }
    default_options = {
        "with_cli": False,
    }

    @property
    def _min_cppstd(self):
        return 20

    @property
    def _compilers_minimum_version(self):
        return {
            "gcc": "12",
            "clang": "14",
            "apple-clang": "15",
        }

    def set_version(self):
        # The version lives in include/socle/socle.h alone; CMakeLists.txt reads the same macros
        # (cmake/socleVersion.cmake). Conan calls this when the recipe is exported.
        if self.version:
            return
        header = load(self, os.path.join(self.recipe_folder, "..", "include", "socle", "socle.h"))
        parts = []
        for part in ("MAJOR", "MINOR", "PATCH"):
            match = re.search(rf"^#define SOCLE_VERSION_{part} +([0-9]+) *$", header, re.MULTILINE)
            if not match:
                raise ConanException(
                    f"include/socle/socle.h: no '#define SOCLE_VERSION_{part} <number>' line")
            parts.append(match.group(1))
        self.version = ".".join(parts)

    def export_sources(self):
        # The recipe lives in conan/ inside socle's repository: export the parts of the tree
        # that the library's build needs (no tests, benchmarks or bindings).
        root = os.path.join(self.recipe_folder, "..")
        for pattern in ("CMakeLists.txt", "LICENSE*", "cmake/*", "include/*", "src/*", "proto/*",
                        "examples/policies/*"):
            copy(self, pattern, src=root, dst=self.export_sources_folder)

    def layout(self):
        cmake_layout(self)

    def requirements(self):
        # socle/*.hpp include Abseil's headers and use absl::Status in their signatures.
        self.requires("abseil/[>=20220623.0 <=20250127.0]", transitive_headers=True,
                      transitive_libs=True)
        # Private to the libraries: the policy schema, cryptography and storage.
        self.requires("protobuf/[>=3.21.12 <4]")
        self.requires("libsodium/[>=1.0.18 <1.1]")
        self.requires("sqlite3/[>=3.40.1 <4]")
        # the ledger's PostgreSQL store
        self.requires("libpq/[>=15 <18]")
        # the statistics audit's linear programs (src/stats/audit.cc)
        self.requires("glpk/[>=4.65 <6]")

    def validate(self):
        if self.settings.compiler.get_safe("cppstd"):
            check_min_cppstd(self, self._min_cppstd)
        minimum_version = self._compilers_minimum_version.get(str(self.settings.compiler), False)
        if minimum_version and Version(self.settings.compiler.version) < minimum_version:
            raise ConanInvalidConfiguration(
                f"{self.ref} requires C++{self._min_cppstd}, which your compiler does not support.")
        if self.settings.os == "Windows":
            # The C ABI relies on ELF visibility and a linker version script.
            raise ConanInvalidConfiguration(f"{self.ref} is not supported on Windows yet.")

    def build_requirements(self):
        self.tool_requires("cmake/[>=3.25 <4]")
        # protoc must match the libprotobuf the generated code links against.
        self.tool_requires("protobuf/<host_version>")

    def generate(self):
        tc = CMakeToolchain(self)
        tc.cache_variables["SOCLE_BUILD_TESTS"] = False
        tc.cache_variables["SOCLE_BUILD_BENCHMARKS"] = False
        tc.cache_variables["SOCLE_BUILD_FUZZERS"] = False
        tc.cache_variables["SOCLE_BUILD_CLI"] = bool(self.options.with_cli)
        tc.generate()
        deps = CMakeDeps(self)
        deps.generate()
        VirtualBuildEnv(self).generate(scope="build")

    def build(self):
        cmake = CMake(self)
        cmake.configure()
        cmake.build()

    def package(self):
        copy(self, "LICENSE*", src=self.source_folder,
             dst=os.path.join(self.package_folder, "licenses"))
        cmake = CMake(self)
        cmake.install()
        # Conan generates its own CMake and pkg-config files from package_info().
        rmdir(self, os.path.join(self.package_folder, "lib", "cmake"))
        rmdir(self, os.path.join(self.package_folder, "lib", "pkgconfig"))

    def package_info(self):
        self.cpp_info.set_property("cmake_file_name", "socle")
        # socle's own config has no aggregate target; socle::socle belongs to the C ABI component,
        # so the global target and .pc get names nobody should use (conan-center-index habit).
        self.cpp_info.set_property("cmake_target_name", "socle::socle-all-do-not-use")
        self.cpp_info.set_property("pkg_config_name", "socle-all-do-not-use")

        # The C++ API (socle/*.hpp).
        cxx = self.cpp_info.components["socle_cxx"]
        cxx.set_property("cmake_target_name", "socle::socle_cxx")
        cxx.set_property("pkg_config_name", "socle_cxx")
        cxx.libs = ["socle_cxx"]
        cxx.requires = [
            # public: in the headers
            "abseil::absl_status",
            "abseil::absl_statusor",
            "abseil::absl_strings",
            "abseil::absl_time",
            # private: linked into the library (src/CMakeLists.txt)
            "abseil::absl_str_format",
            "abseil::absl_span",
            "abseil::absl_flat_hash_map",
            "abseil::absl_synchronization",
            "protobuf::libprotobuf",
            "libsodium::libsodium",
            # the storage of the state and access ledgers
            "sqlite3::sqlite3",
            # the ledger's PostgreSQL store
            "libpq::libpq",
            # the statistics audit's linear programs
            "glpk::glpk",
        ]
        if self.settings.os in ("Linux", "FreeBSD"):
            cxx.system_libs = ["m", "pthread"]

        # The C ABI (socle/socle.h), built on the C++ API.
        c_abi = self.cpp_info.components["socle"]
        c_abi.set_property("cmake_target_name", "socle::socle")
        c_abi.set_property("pkg_config_name", "socle")
        c_abi.libs = ["socle"]
        c_abi.requires = ["socle_cxx"]
