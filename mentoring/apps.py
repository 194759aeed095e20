from django.apps import AppConfig


def count_active_pairings(programme) -> int:
    from .models import Pairing

    return Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT).count()


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring relationships"

    def ready(self) -> None:
        # programmes may not import mentoring; mentoring tells it how to count active pairings instead.
        from programmes.services.programme import register_active_pairing_counter

        register_active_pairing_counter(count_active_pairings)
