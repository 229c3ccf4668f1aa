"""Sync: the phone's push of mutations and pull of changes."""
