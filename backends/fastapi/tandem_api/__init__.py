"""Tandem's task API in Python: a drop-in alternative to apps/api (same routes, errors, database)."""
