"""Benchmarks: ``make bench`` seeds PostgreSQL, serves the site with gunicorn and prints numbers.

See docs/benchmarks.md for what each case measures and the targets.
"""
