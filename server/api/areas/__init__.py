"""Area tree resource."""
