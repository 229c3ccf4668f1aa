"""Reads written once: one module per aggregate holds its joined select, filters, scope condition and paging."""
