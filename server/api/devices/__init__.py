"""Device registration resource."""
