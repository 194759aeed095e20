from django.apps import AppConfig


class PerfConfig(AppConfig):
    """Benchmarks (``manage.py bench``, ``benchmark_matching``, ``benchmark_reminders``), measured on made-up data
    in a throwaway database or a rolled-back transaction. It sits above the three apps; none of them imports it."""

    name = "perf"
    verbose_name = "Benchmarks"
