"""Benchmarks, and the plan generator they and the scale tests build large sites from."""
