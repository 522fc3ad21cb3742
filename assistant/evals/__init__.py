"""The eval set: cases, deterministic metrics, the runner and its regression gate."""
