"""Changes on the evaluation side, one module per part. Keyword-only, typed, ``<entity>_<verb>``."""
