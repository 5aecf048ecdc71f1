"""Benchmarks: run with ``make bench``. They print figures; they assert nothing."""
