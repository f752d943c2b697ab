"""Benchmarks of hztrio against the official Hazelcast Python client (see README.md)."""
