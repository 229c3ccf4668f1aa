"""Audit log resource (read only)."""
