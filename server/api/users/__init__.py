"""Accounts resource (administration)."""
