"""Admin for networks."""
