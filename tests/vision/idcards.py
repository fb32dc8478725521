"""Moved to `synthetic_ids.idcards` (the benchmark draws the same images and must not import tests/).

Kept so that tests written against the old place still import; new code imports synthetic_ids.
"""

from synthetic_ids.idcards import *  # noqa: F403
