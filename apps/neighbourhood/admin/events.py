"""Admin for events."""
