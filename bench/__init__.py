"""The benchmarks (docs/benchmarks.md): each prints a readable report and `bench: NAME VALUE UNIT` lines."""

import logging

# Warnings and errors only: the migrations' INFO lines would come before every report.
logging.basicConfig(level=logging.WARNING, format="%(levelname)s [%(name)s] %(message)s")
