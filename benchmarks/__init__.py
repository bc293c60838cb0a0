"""Synthetic corpora with planted truth, and the benchmark runner behind `openness bench`."""
