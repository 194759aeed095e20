from django.apps import AppConfig


def count_active_pairings(programme) -> int:
    from .models import Pairing

    return Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT).count()


def confirmed_session_hours(start, end):
    """Confirmed session hours of ``OuterRef("person")`` in ``OuterRef("programme")`` from ``start`` to ``end``
    (exclusive), as an expression for programmes' protected-time utilisation. Only durations, never content."""
    from django.db.models import FloatField, OuterRef, Q, Subquery, Sum, Value
    from django.db.models.functions import Cast

    from .models import MentoringSession

    minutes = (
        MentoringSession.objects.confirmed()
        .filter(
            Q(pairing__mentor=OuterRef("person")) | Q(pairing__mentee=OuterRef("person")),
            pairing__programme=OuterRef("programme"),
            held_on__gte=start,
            held_on__lt=end,
        )
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(total=Sum("duration_minutes"))
        .values("total")
    )
    return Cast(Subquery(minutes, output_field=FloatField()), FloatField()) / Value(60.0)


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = "Mentoring relationships"

    def ready(self) -> None:
        # programmes may not import mentoring; mentoring tells it how to count active pairings instead.
        from programmes.services.programme import register_active_pairing_counter

        register_active_pairing_counter(count_active_pairings)
        # Confirmed sessions count as protected time used (programmes.selectors.time).
        from programmes.selectors.time import session_hours_register

        session_hours_register(confirmed_session_hours)
