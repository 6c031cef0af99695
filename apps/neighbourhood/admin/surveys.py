"""Admin for surveys."""
