"""`aiguilleur bench`: the engine measured against two obvious baselines, and at scale.

Lives in `bot/` rather than `matching/` because the FTS5 baseline needs SQLite, which the pure
engine must never import.
"""
