"""Admin for gates."""
