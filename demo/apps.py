from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo data for trying Tandem (``manage.py seed_demo``). It sits above programmes, mentoring and evaluation
    and may import all three; none of them imports it."""

    name = "demo"
    verbose_name = "Demo data"
