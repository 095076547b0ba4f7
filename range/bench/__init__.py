"""Benchmarks of the scenario side, each printed beside a baseline measured in the same
run."""
