"""Admin for the layers part of the disaster map."""
