"""Benchmarks (DESIGN section 7): run the scripts directly, they are not tests."""
