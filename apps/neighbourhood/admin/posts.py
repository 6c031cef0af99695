"""Admin for posts."""
