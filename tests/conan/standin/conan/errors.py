"""Stand-in of conan.errors."""


class ConanException(Exception):
    pass


class ConanInvalidConfiguration(ConanException):
    pass
