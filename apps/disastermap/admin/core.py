"""Admin for the core part of the disaster map."""
