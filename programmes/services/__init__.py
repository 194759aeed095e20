"""Changes on the organisation side, one module per part. Keyword-only, typed, ``<entity>_<verb>``."""

from .core import email_deliver, email_send_test, email_settings_summary, sessions_clear_expired
from .notifications import notification_send

__all__ = [
    "email_deliver",
    "email_send_test",
    "email_settings_summary",
    "notification_send",
    "sessions_clear_expired",
]
