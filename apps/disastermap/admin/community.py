"""Admin for the community part of the disaster map."""
