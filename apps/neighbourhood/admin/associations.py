"""Admin for associations."""
