"""Targets resource (administration)."""
