"""Checks conan/conanfile.py without Conan (not in Debian's archive): the recipe is imported against
the stand-in of the conan modules in standin/, and what it declares is checked against itself and
against socle's CMake build.

Run: /usr/bin/python3 -m pytest tests/conan (CTest: package.conan_recipe).
"""

import importlib.util
import os
import re
import subprocess
import sys

import pytest

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.path.normpath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "standin"))

from conan.internal import Requirement  # noqa: E402  (the stand-in, found through sys.path)

LINUX_GCC12 = {
    "os": "Linux",
    "arch": "x86_64",
    "build_type": "Release",
    "compiler": {"value": "gcc", "version": "12", "cppstd": "20", "libcxx": "libstdc++11"},
}


def _load(path, module_name):
    spec = importlib.util.spec_from_file_location(module_name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _recipe_class(path):
    module = _load(path, "recipe_" + re.sub(r"\W", "_", os.path.relpath(path, SOURCE_DIR)))
    from conan import ConanFile
    classes = [c for c in vars(module).values()
               if isinstance(c, type) and issubclass(c, ConanFile) and c is not ConanFile]
    assert len(classes) == 1, f"{path} must define exactly one ConanFile, found {classes}"
    return classes[0]


@pytest.fixture(params=[False, True], ids=["default", "with_cli"])
def recipe(request):
    """The recipe, instantiated for Linux/gcc 12, with package_info() already run."""
    cls = _recipe_class(os.path.join(SOURCE_DIR, "conan", "conanfile.py"))
    conanfile = cls(settings=LINUX_GCC12, options={"with_cli": request.param},
                    folders={"recipe_folder": os.path.join(SOURCE_DIR, "conan")})
    conanfile.set_version()  # as `conan export` does
    conanfile.requirements()
    conanfile.build_requirements()
    conanfile.validate()
    conanfile.package_info()
    return conanfile


def _read(relative):
    with open(os.path.join(SOURCE_DIR, relative), encoding="utf-8") as f:
        return f.read()


def _component_requires(conanfile):
    return {name: list(component.requires)
            for name, component in conanfile.cpp_info.components.items()}


def _header_version():
    """MAJOR.MINOR.PATCH from include/socle/socle.h, the version's only home."""
    header = _read("include/socle/socle.h")
    return ".".join(re.search(rf"^#define SOCLE_VERSION_{p} +(\d+) *$", header, re.M).group(1)
                    for p in ("MAJOR", "MINOR", "PATCH"))


def test_version_is_read_from_the_header(recipe):
    assert type(recipe).version is None, "the recipe must not hard-code a version (set_version)"
    assert recipe.version == _header_version(), (
        f"conan/conanfile.py says {recipe.version}, socle.h says {_header_version()}")


def test_cmake_project_version_is_the_headers():
    # CTest passes the configured PROJECT_VERSION (read from socle.h by cmake/socleVersion.cmake).
    configured = os.environ.get("SOCLE_PROJECT_VERSION")
    if configured is None:
        pytest.skip("SOCLE_PROJECT_VERSION is set by CTest (package.conan_recipe)")
    assert configured == _header_version(), (
        f"CMake configured version {configured}, socle.h says {_header_version()}")


def test_set_version_keeps_a_version_given_on_the_command_line():
    cls = _recipe_class(os.path.join(SOURCE_DIR, "conan", "conanfile.py"))
    conanfile = cls(settings=LINUX_GCC12,
                    folders={"recipe_folder": os.path.join(SOURCE_DIR, "conan")})
    conanfile.version = "9.8.7"  # conan create --version 9.8.7
    conanfile.set_version()
    assert conanfile.version == "9.8.7"


def test_every_requirement_is_used_by_a_component(recipe):
    used = {ref.split("::")[0] for requires in _component_requires(recipe).values()
            for ref in requires if "::" in ref}
    declared = {r.name for r in recipe.requires_declared}
    unused = declared - used
    assert not unused, f"requirements() declares {sorted(unused)} but no component requires it"


def test_every_component_requirement_is_declared(recipe):
    declared = {r.name for r in recipe.requires_declared}
    components = set(recipe.cpp_info.components)
    problems = []
    for name, requires in _component_requires(recipe).items():
        for ref in requires:
            if "::" in ref:
                package, _, component = ref.partition("::")
                if package not in declared or not component:
                    problems.append(f"{name} requires {ref}: '{package}' is not in requirements()")
            elif ref not in components or ref == name:
                problems.append(f"{name} requires '{ref}', which is not a sibling component")
    assert not problems, "\n".join(problems)


def test_requirements_use_version_ranges(recipe):
    for requirement in recipe.requires_declared:
        assert re.fullmatch(r"\[[^\]]+\]", requirement.version), (
            f"{requirement.ref}: use a version range, as conan-center-index does")


def test_protoc_comes_from_the_same_protobuf(recipe):
    host = [r for r in recipe.requires_declared if r.name == "protobuf"]
    tools = [r for r in recipe.tool_requires_declared if r.name == "protobuf"]
    assert host and tools, "protobuf must be both a requirement and a tool requirement (protoc)"
    assert tools[0].version in ("<host_version>", host[0].version), (
        "protoc must match libprotobuf: tool_requires('protobuf/<host_version>')")


def test_components_are_the_cmake_targets_and_pkgconfig_modules(recipe):
    components = recipe.cpp_info.components
    assert set(components) == {"socle", "socle_cxx"}
    assert components["socle"].get_property("cmake_target_name") == "socle::socle"
    assert components["socle_cxx"].get_property("cmake_target_name") == "socle::socle_cxx"
    assert components["socle"].get_property("pkg_config_name") == "socle"
    assert components["socle_cxx"].get_property("pkg_config_name") == "socle_cxx"
    assert components["socle"].libs == ["socle"]
    assert components["socle_cxx"].libs == ["socle_cxx"]
    # The C ABI is built on the C++ API.
    assert "socle_cxx" in components["socle"].requires
    # The root target and .pc must not steal the C ABI component's names.
    assert recipe.cpp_info.get_property("cmake_file_name") == "socle"
    root_target = recipe.cpp_info.get_property("cmake_target_name")
    root_pc = recipe.cpp_info.get_property("pkg_config_name")
    assert root_target not in {c.get_property("cmake_target_name") for c in components.values()}
    assert root_pc not in {c.get_property("pkg_config_name") for c in components.values()}
    # The same names as socle's own CMake package and .pc files.
    packaging = _read("cmake/soclePackaging.cmake")
    assert "NAMESPACE socle::" in packaging
    for pc in ("socle.pc.in", "socle_cxx.pc.in"):
        assert os.path.exists(os.path.join(SOURCE_DIR, "cmake", pc))


def test_socle_cxx_requires_what_the_build_links(recipe):
    """Every Abseil or protobuf target linked by socle's libraries is a requirement of the
    socle_cxx component, so a Conan consumer links what a CMake consumer links."""
    cmake = _read("src/CMakeLists.txt")
    expected = {f"abseil::absl_{m}" for m in re.findall(r"\babsl::(\w+)", cmake)}
    expected |= {"protobuf::libprotobuf"} if "protobuf::libprotobuf" in cmake else set()
    expected |= {"libsodium::libsodium"} if "SOCLE_SODIUM_TARGET" in cmake else set()
    expected |= {"sqlite3::sqlite3"} if "SQLite::SQLite3" in cmake else set()
    expected |= {"libpq::libpq"} if "SOCLE_LIBPQ_TARGET" in cmake else set()
    expected |= {"glpk::glpk"} if "socle::glpk" in cmake else set()
    missing = expected - set(recipe.cpp_info.components["socle_cxx"].requires)
    assert not missing, f"src/CMakeLists.txt links {sorted(missing)}; add them to socle_cxx"


def test_abseil_headers_reach_consumers(recipe):
    abseil = [r for r in recipe.requires_declared if r.name == "abseil"]
    assert abseil and abseil[0].traits.get("transitive_headers"), (
        "socle/*.hpp include Abseil's headers: abseil needs transitive_headers=True")


def test_toolchain_builds_only_the_libraries(recipe):
    recipe.generate()
    generated = {type(g).__name__: g for g in recipe.generated}
    assert {"CMakeToolchain", "CMakeDeps"} <= set(generated)
    variables = generated["CMakeToolchain"].cache_variables
    for option in ("SOCLE_BUILD_TESTS", "SOCLE_BUILD_BENCHMARKS", "SOCLE_BUILD_FUZZERS"):
        assert variables.get(option) is False, f"the package build must set {option}=False"
    assert variables.get("SOCLE_BUILD_CLI") == bool(recipe.options.with_cli)
    # Every option the recipe sets exists in socle's CMake.
    cmake = _read("CMakeLists.txt")
    for name in variables:
        assert re.search(rf"option\(\s*{name}\b", cmake), f"{name} is not an option of socle"


def test_old_compilers_are_refused():
    cls = _recipe_class(os.path.join(SOURCE_DIR, "conan", "conanfile.py"))
    from conan.errors import ConanInvalidConfiguration
    old = dict(LINUX_GCC12, compiler={"value": "gcc", "version": "10", "cppstd": "17"})
    with pytest.raises(ConanInvalidConfiguration):
        cls(settings=old).validate()


def test_exported_sources_configure(tmp_path):
    """The exported sources are a complete CMake project: configure them alone, as Conan would."""
    cls = _recipe_class(os.path.join(SOURCE_DIR, "conan", "conanfile.py"))
    exported = tmp_path / "export"
    conanfile = cls(settings=LINUX_GCC12, folders={
        "recipe_folder": os.path.join(SOURCE_DIR, "conan"),
        "export_sources_folder": str(exported)})
    conanfile.export_sources()
    assert (exported / "CMakeLists.txt").exists()
    assert not (exported / "tests").exists(), "tests are not part of the package sources"
    cmake = os.environ.get("SOCLE_CMAKE", "cmake")
    result = subprocess.run(
        [cmake, "-S", str(exported), "-B", str(tmp_path / "build"),
         "-DSOCLE_BUILD_TESTS=OFF", "-DSOCLE_BUILD_BENCHMARKS=OFF"],
        capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_test_package_requires_the_tested_reference():
    cls = _recipe_class(os.path.join(SOURCE_DIR, "conan", "test_package", "conanfile.py"))
    conanfile = cls(settings=LINUX_GCC12)
    reference = f"socle/{_header_version()}"
    conanfile.tested_reference_str = reference
    conanfile.requirements()
    assert [r.ref for r in conanfile.requires_declared] == [reference]
    cmake = _read("conan/test_package/CMakeLists.txt")
    assert "socle::socle)" in cmake and "socle::socle_cxx)" in cmake


def test_requirement_model_of_the_standin():
    # Guards the stand-in itself: a reference splits into name and version as Conan does.
    requirement = Requirement("abseil/[>=20220623.0 <=20250127.0]")
    assert (requirement.name, requirement.version) == ("abseil", "[>=20220623.0 <=20250127.0]")
