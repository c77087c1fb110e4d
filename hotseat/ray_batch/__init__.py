"""Batch runs on Ray: `hotseat grade --ray` and `hotseat simulate --ray`.

The driver (the CLI process) reads the input, keeps a bounded number of Ray tasks in
flight on a few actors (each builds its evaluator or engine once), and writes every
result through hotseat.resumable as it comes back: the output file, resuming and
de-duplication are the local path's. Only cluster, pool, grade and simulate import Ray,
and only once --ray is given; `option` is what the CLI reads without loading Ray.
"""
