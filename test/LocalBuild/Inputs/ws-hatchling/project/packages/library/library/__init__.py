"""A workspace library."""
__version__ = "0.2.0"


def greet():
    return "hello"
