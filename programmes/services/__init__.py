"""Changes on the organisation side, one module per part. Keyword-only, typed, ``<entity>_<verb>``."""

from .notifications import notification_send

__all__ = ["notification_send"]
