# Load the Celery app whenever Django starts, so that shared tasks bind to it and `delay_on_commit` works.
from .celery import app as celery_app

__all__ = ("celery_app",)
