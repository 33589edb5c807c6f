"""The ConanFile base class of the stand-in, and the small models it needs."""

import collections


class _Values:
    """Settings or options: attribute access to plain values, with Conan's get_safe()."""

    def __init__(self, values=None):
        object.__setattr__(self, "_values", dict(values or {}))

    def __getattr__(self, name):
        values = object.__getattribute__(self, "_values")
        if name not in values:
            raise AttributeError(f"setting or option '{name}' is not defined")
        return _Value(values[name])

    def __setattr__(self, name, value):
        self._values[name] = value

    def get_safe(self, name, default=None):
        value = self._values
        for part in name.split("."):
            if not isinstance(value, dict) or part not in value:
                return default
            value = value[part]
        return value["value"] if isinstance(value, dict) and "value" in value else value

    def items(self):
        return self._values.items()


class _Value:
    """A setting value that may have sub-settings (compiler.version, compiler.cppstd)."""

    def __init__(self, value):
        self._value = value["value"] if isinstance(value, dict) else value
        self._subs = value if isinstance(value, dict) else {}

    def __getattr__(self, name):
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._subs:
            raise AttributeError(f"sub-setting '{name}' is not defined")
        return _Value(self._subs[name])

    def get_safe(self, name, default=None):
        return self._subs.get(name, default)

    def __str__(self):
        return str(self._value)

    def __eq__(self, other):
        return str(self._value) == str(other)

    def __hash__(self):
        return hash(str(self._value))

    def __bool__(self):
        return bool(self._value) and self._value not in ("False", "false", "0")


class _Component:
    """A component (or the root) of cpp_info."""

    def __init__(self):
        self._properties = {}
        self.libs = []
        self.requires = []
        self.system_libs = []
        self.frameworks = []
        self.defines = []
        self.cflags = []
        self.cxxflags = []
        self.sharedlinkflags = []
        self.exelinkflags = []
        self.includedirs = ["include"]
        self.libdirs = ["lib"]
        self.bindirs = ["bin"]
        self.resdirs = []
        self.builddirs = []

    def set_property(self, name, value):
        self._properties[name] = value

    def get_property(self, name, default=None):
        return self._properties.get(name, default)


class _CppInfo(_Component):
    def __init__(self):
        super().__init__()
        self.components = collections.defaultdict(_Component)


class Requirement:
    """One self.requires() or self.tool_requires() call, as declared."""

    def __init__(self, ref, **traits):
        self.ref = ref
        self.name, _, self.version = ref.partition("/")
        self.traits = traits

    def __repr__(self):
        return f"Requirement({self.ref!r}, {self.traits!r})"


class ConanFile:
    name = None
    version = None
    settings = ()
    options = {}
    default_options = {}
    package_type = None

    def __init__(self, settings=None, options=None, folders=None):
        """settings: {"os": "Linux", "compiler": {"value": "gcc", "version": "12"}, ...};
        options default to default_options; folders sets recipe_folder and friends."""
        self.settings = _Values(settings or {})
        merged = dict(type(self).default_options)
        merged.update(options or {})
        self.options = _Values(merged)
        self.requires_declared = []
        self.tool_requires_declared = []
        self.test_requires_declared = []
        self.cpp_info = _CppInfo()
        self.tested_reference_str = None
        self.output_lines = []
        self.run_commands = []
        for attribute, value in (folders or {}).items():
            setattr(self, attribute, value)

    @property
    def ref(self):
        return f"{self.name}/{self.version}"

    # The methods recipes call.
    def requires(self, ref, **traits):
        self.requires_declared.append(Requirement(ref, **traits))

    def tool_requires(self, ref, **traits):
        self.tool_requires_declared.append(Requirement(ref, **traits))

    def test_requires(self, ref, **traits):
        self.test_requires_declared.append(Requirement(ref, **traits))

    def run(self, command, env=None, **kwargs):
        self.run_commands.append((command, env))
