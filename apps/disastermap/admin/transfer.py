"""Admin for the transfer part of the disaster map."""
