"""Exports: assists, the follow-up list and tallies as CSV or XLSX."""
