"""Admin for schools."""
