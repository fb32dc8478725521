"""Worker entry points, one per task queue (`python -m workers.<queue>`), `python -m workers` for all."""
