"""Benchmarks that print JSON (never timed assertions in tests). `python -m bench` runs them all."""
