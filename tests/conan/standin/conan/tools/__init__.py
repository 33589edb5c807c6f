"""Stand-in of conan.tools."""
