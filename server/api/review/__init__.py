"""Review of assists by coordinators: list, decide, bulk approve, duplicates."""
