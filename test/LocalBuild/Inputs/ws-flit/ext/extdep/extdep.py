"""A path dependency outside the workspace."""
__version__ = "1.0"
VALUE = 42
