"""Sign-in resource."""
