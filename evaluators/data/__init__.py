"""Data files of the evaluator chain (patterns, exemplars, weights, coaching templates)."""
