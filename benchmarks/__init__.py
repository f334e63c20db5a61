"""Benchmarks: scripts that measure the speed goals of the issues against baselines measured in the same run."""
