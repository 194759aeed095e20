from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


def count_active_pairings(programme) -> int:
    from mentoring.models import Pairing

    return Pairing.objects.filter(programme=programme, status__in=Pairing.CURRENT).count()


def confirmed_session_hours(start, end):
    """Confirmed session hours of ``OuterRef("person")`` in ``OuterRef("programme")`` from ``start`` to ``end``
    (exclusive), as an expression for programmes' protected-time utilisation. Only durations, never content.

    Evaluated on a Membership row: a mentor's hours come from the pairings they mentor, a mentee's from the
    pairings they are mentored in (a person has one participant role per programme). One side per row keeps
    each lookup on an index; "mentor or mentee" in one subquery made PostgreSQL scan every pairing of the
    programme for every participant.
    """
    from django.db.models import Case, FloatField, OuterRef, Subquery, Sum, Value, When
    from django.db.models.functions import Cast

    from mentoring.models import MentoringSession
    from programmes.models import Role

    def minutes(side: str) -> Subquery:
        return Subquery(
            MentoringSession.objects.confirmed()
            .filter(
                **{f"pairing__{side}": OuterRef("person")},
                pairing__programme=OuterRef("programme"),
                held_on__gte=start,
                held_on__lt=end,
            )
            .order_by()
            .annotate(one=Value(1))
            .values("one")
            .annotate(total=Sum("duration_minutes"))
            .values("total"),
            output_field=FloatField(),
        )

    by_role = Case(When(role=Role.MENTOR, then=minutes("mentor")), default=minutes("mentee"))
    return Cast(by_role, FloatField()) / Value(60.0)


def reflection_hours(start, end):
    """Thinking and reflection hours ``OuterRef("person")`` logged in ``OuterRef("programme")`` from ``start`` to
    ``end`` (exclusive), for programmes' protected-time utilisation (issue 20). Only hours, never the note."""
    from django.db.models import FloatField, OuterRef, Subquery, Sum, Value

    from mentoring.models import ReflectionTime

    return Subquery(
        ReflectionTime.objects.filter(
            person=OuterRef("person"), programme=OuterRef("programme"), day__gte=start, day__lt=end
        )
        .order_by()
        .annotate(one=Value(1))
        .values("one")
        .annotate(total=Sum("hours"))
        .values("total"),
        output_field=FloatField(),
    )


def proposals_panel(programme):
    """The overview's panel of proposals waiting for an answer: two queries, shown only when there is one."""
    from mentoring.selectors.proposals import proposals_waiting

    waiting = proposals_waiting(programme, limit=10)
    if not waiting.count:
        return None
    return {"template": "mentoring/_proposals_waiting_panel.html", "waiting": waiting, "next": "overview"}


def people_left(*, person_ids: list[int], by, reason: str) -> None:
    """A leaver's pairings pause, their requests and proposals close (mentoring.services.leavers)."""
    from mentoring.services.leavers import people_left as leave

    leave(person_ids=person_ids, by=by, reason=reason)


def people_moved(*, person_ids: list[int], by) -> None:
    """A move that breaks a hard rule of a current pairing alerts its coordinators (mentoring.services.leavers)."""
    from mentoring.services.leavers import people_moved_check

    people_moved_check(person_ids=person_ids, by=by)


def opportunity_suggestion(person, opportunity, suggestion_id: int) -> int | None:
    from mentoring.services.opportunities import suggestion_pairing_for

    return suggestion_pairing_for(person, opportunity, suggestion_id)


class MentoringConfig(AppConfig):
    name = "mentoring"
    verbose_name = _("Mentoring relationships")

    def ready(self) -> None:
        # programmes may not import mentoring: mentoring fills programmes' hooks instead (programmes/hooks.py).
        from programmes import hooks
        from programmes.permissions import Area

        from . import navigation

        hooks.ACTIVE_PAIRINGS.register(count_active_pairings)  # a programme with running pairings may not close
        hooks.SESSION_HOURS.register(confirmed_session_hours)  # confirmed sessions count as protected time used
        hooks.REFLECTION_HOURS.register(reflection_hours)  # reflection time counts as protected time used
        hooks.OVERVIEW_PANELS.register(proposals_panel)  # proposed pairings waiting for an answer
        hooks.AREA_HOMES.register((Area.MENTORING, "mentoring:home"))
        hooks.register_navigation(navigation.TABS, navigation.PAGES)  # its pages in a programme's navigation
        hooks.PEOPLE_LEFT.register(people_left)  # a leaver's pairings pause, their requests and proposals close
        hooks.OPPORTUNITY_SUGGESTIONS.register(opportunity_suggestion)  # "Ask" from a mentor's suggestion
        hooks.PEOPLE_MOVED.register(people_moved)  # a move that breaks a hard rule alerts the coordinators
