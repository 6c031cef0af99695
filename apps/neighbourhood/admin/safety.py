"""Admin for safety."""
