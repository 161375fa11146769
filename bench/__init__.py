"""Benchmark of the quality bars (docs: quality.md). Run with ``make bench``."""
