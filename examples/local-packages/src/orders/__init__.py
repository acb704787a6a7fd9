"""Orders: the function."""
