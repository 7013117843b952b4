"""Benchmark: retrieval and answer quality on the development questions, beside baselines."""
