"""Benchmarks: ``manage.py bench`` (every performance figure, ``make bench``) and the matching and reminder
benchmarks it reuses. The load test is its sibling, ``loadtest/``."""
