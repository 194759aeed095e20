"""Calendar pages: the participant's feed settings, the feed itself (no login: the secret
address is the key) and one session as an .ics file for the pair."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.i18n import language_of, supported_language
from core.once import submit_once
from mentoring.forms.planning import MeetingPreferencesForm
from mentoring.models import CalendarFeed, MeetingReminderChoice
from mentoring.permissions import get_calendar_feed_by_token, get_own_session_for
from mentoring.selectors.calendars import calendar_feed_of
from mentoring.services import calendars, planning
from programmes.permissions import Area, area_required


def _ics_response(body: bytes, *, filename: str = "", attachment: bool = False) -> HttpResponse:
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    # The feed is someone's diary: no shared cache or browser keeps a copy.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex, nofollow"
    if filename:
        response["Content-Disposition"] = f'{"attachment" if attachment else "inline"}; filename="{filename}"'
    return response


def _own_feed(request: HttpRequest) -> CalendarFeed | None:
    return calendar_feed_of(request.user)


@area_required(Area.MENTORING)
def calendar_settings(request: HttpRequest) -> HttpResponse:
    # Queries: session, user, areas (shared with the navigation), the person's feed.
    feed = _own_feed(request)
    address = None
    if feed is not None:
        address = request.build_absolute_uri(reverse("mentoring:calendar_feed", kwargs={"token": feed.token}))
    webcal = "webcal://" + address.split("://", 1)[1] if address else None
    # And the person's meeting reminder choices (one query).
    choice = MeetingReminderChoice.objects.filter(person=request.user).first()
    preferences = MeetingPreferencesForm(
        initial={
            "time_zone": request.user.time_zone,
            "day_before": choice.day_before if choice else True,
            "hour_before": choice.hour_before if choice else True,
        }
    )
    context = {"feed": feed, "address": address, "webcal": webcal, "preferences": preferences}
    return render(request, "mentoring/calendar.html", context)


@area_required(Area.MENTORING)
@require_POST
def meeting_preferences(request: HttpRequest) -> HttpResponse:
    form = MeetingPreferencesForm(request.POST)
    if form.is_valid():
        planning.meeting_preferences_update(person=request.user, **form.cleaned_data)
        messages.success(request, _("Saved: your time zone and meeting reminders."))
    else:
        messages.error(request, _("Choose a time zone from the list."))
    return redirect("mentoring:calendar")


@area_required(Area.MENTORING)
@require_POST
@submit_once
def calendar_create(request: HttpRequest) -> HttpResponse:
    calendars.calendar_feed_create(person=request.user)
    messages.success(request, _("Your calendar address is ready. Add it to your calendar app as shown below."))
    return redirect("mentoring:calendar")


@area_required(Area.MENTORING)
@require_POST
def calendar_replace(request: HttpRequest) -> HttpResponse:
    try:
        calendars.calendar_feed_replace(person=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("Your calendar has a new address; the old one no longer works. Replace it in your calendar app."),
        )
    return redirect("mentoring:calendar")


@area_required(Area.MENTORING)
@require_http_methods(["GET", "POST"])
def calendar_delete(request: HttpRequest) -> HttpResponse:
    """Asks first (GET), turns the feed off on POST."""
    if request.method == "POST":
        if calendars.calendar_feed_delete(person=request.user):
            messages.success(request, _("Your calendar feed is off. Its address no longer works."))
        else:
            messages.info(request, _("You had no calendar feed to turn off."))
        return redirect("mentoring:calendar")
    feed = _own_feed(request)
    if feed is None:
        messages.info(request, _("You have no calendar feed to turn off."))
        return redirect("mentoring:calendar")
    return render(request, "mentoring/calendar_delete.html", {"feed": feed})


@require_safe
def calendar_feed(request: HttpRequest, token: str) -> HttpResponse:
    # No login: calendar apps cannot log in. The token is the key. Queries: the feed with its person; the
    # active pairings' check-ins; the sessions, whatever their number.
    feed = get_calendar_feed_by_token(token)
    # A calendar app asks, not the person: the feed is in the person's language, or, when Tandem knows none for
    # them yet, in the one the calendar app asked for.
    person = feed.person
    known = supported_language(person.language) or supported_language(person.browser_language)
    with translation.override(language_of(person) if known else translation.get_language()):
        body = calendars.feed_ics(person=person, base_url=request.build_absolute_uri("/"))
    return _ics_response(body, filename="tandem-mentoring.ics")


@login_required
@require_safe
def session_ics(request: HttpRequest, pk: int, session_pk: int) -> HttpResponse:
    session = get_own_session_for(request.user, pk, session_pk)
    body = calendars.session_ics(session=session, person=request.user, base_url=request.build_absolute_uri("/"))
    return _ics_response(body, filename=f"mentoring-session-{session.held_on:%Y-%m-%d}.ics", attachment=True)
