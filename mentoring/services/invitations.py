"""Calendar invitations for planned sessions: an email to each of the pair with an iCalendar file that Outlook,
Google Calendar and Apple Calendar read as an invitation (METHOD:REQUEST) or its cancellation (METHOD:CANCEL).

One meeting is one event everywhere: the UID is the planned session's own (``planned-<uuid>@tandem``) and the
SEQUENCE rises with every move and the cancellation, so a calendar replaces the event instead of adding one.
Tandem itself is the ORGANIZER (the sending address); both people are attendees who have already accepted in
Tandem. An invitation carries names, times, the place or video link and a link to Tandem: never a summary, goal,
note or the reason for a change (those stay on the planned session's page).
"""

from __future__ import annotations

import datetime
from email.utils import parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone
from django.utils.translation import gettext as _
from icalendar import Calendar, Event, vCalAddress, vText

from core.dates import meeting_time
from core.i18n import in_language_of
from mentoring.models import PlannedSession
from mentoring.services.calendars import UID_DOMAIN
from programmes.models import Person


def planned_uid(planned: PlannedSession) -> str:
    return f"planned-{planned.uid}@{UID_DOMAIN}"


def site_url(path: str) -> str:
    return f"{settings.TANDEM_SITE_URL}{path}" if settings.TANDEM_SITE_URL else path


def _address(person: Person, *, role: str = "REQ-PARTICIPANT") -> vCalAddress:
    address = vCalAddress(f"mailto:{person.email}")
    address.params["cn"] = vText(person.display_name or person.email)
    address.params["role"] = vText(role)
    address.params["partstat"] = vText("ACCEPTED")
    return address


def _title(planned: PlannedSession) -> str:
    pairing = planned.pairing
    return _("Mentoring session: %(mentor)s and %(mentee)s") % {"mentor": pairing.mentor, "mentee": pairing.mentee}


def planned_event(planned: PlannedSession, *, cancel: bool = False, stamp: datetime.datetime | None = None) -> Event:
    """The meeting as one VEVENT (the invitation's and the feed's): times in UTC, each calendar shows them in its
    owner's zone."""
    event = Event()
    event.add("uid", planned_uid(planned))
    event.add("sequence", planned.sequence)
    event.add("dtstamp", stamp or timezone.now())
    event.add("dtstart", planned.starts_at.astimezone(datetime.UTC))
    event.add("dtend", planned.ends_at.astimezone(datetime.UTC))
    event.add("summary", _title(planned))
    event.add("status", "CANCELLED" if cancel else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def invitation_ics(planned: PlannedSession, *, cancel: bool) -> bytes:
    """The invitation in the active language: build it inside ``in_language_of(recipient)``."""
    cal = Calendar()
    cal.add("prodid", "-//Tandem//Mentoring sessions//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "CANCEL" if cancel else "REQUEST")
    event = planned_event(planned, cancel=cancel)
    name, email = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organiser = vCalAddress(f"mailto:{email or 'tandem@localhost'}")
    organiser.params["cn"] = vText(name or "Tandem")
    event.add("organizer", organiser)
    for person in (planned.pairing.mentor, planned.pairing.mentee):
        event.add("attendee", _address(person))
    page = site_url(planned.get_absolute_url())
    if planned.video_link:
        event.add("location", planned.video_link)
        event.add("url", planned.video_link)
    elif planned.place:
        event.add("location", planned.place)
    event.add("description", _("Planned in Tandem: %(url)s") % {"url": page})
    cal.add_component(event)
    return cal.to_ical()


def _body(planned: PlannedSession, person: Person, *, cancel: bool) -> str:
    when = f"{meeting_time(planned.starts_at, person.time_zone)} ({person.zone.key})"
    partner = planned.pairing.mentee if person.pk == planned.pairing.mentor_id else planned.pairing.mentor
    values = {"partner": partner, "when": when, "minutes": planned.duration_minutes}
    if cancel:
        news = _("Your mentoring session with %(partner)s is cancelled: %(when)s, %(minutes)s minutes.") % values
    elif planned.sequence:
        news = _("Your mentoring session with %(partner)s has moved: %(when)s, %(minutes)s minutes.") % values
    else:
        news = _("Your mentoring session with %(partner)s is planned: %(when)s, %(minutes)s minutes.") % values
    lines = [_("Hello %(name)s,") % {"name": person.get_short_name()}, "", news]
    if planned.video_link and not cancel:
        lines.append(_("Join: %(link)s") % {"link": planned.video_link})
    details = _("Details in Tandem: %(url)s") % {"url": site_url(planned.get_absolute_url())}
    lines += ["", details, "", "Tandem", ""]
    return "\n".join(lines)


def invitation_send(*, planned: PlannedSession, cancel: bool) -> None:
    """Email both people the invitation (or its cancellation), each with the time in their own zone and in their
    own language (the calendar file too). Queued when the surrounding transaction commits (core.mail_backend), so
    a rolled-back change sends nothing."""
    method = "CANCEL" if cancel else "REQUEST"
    for person in (planned.pairing.mentor, planned.pairing.mentee):
        if not person.is_active:
            continue
        partner = planned.pairing.mentee if person.pk == planned.pairing.mentor_id else planned.pairing.mentor
        with in_language_of(person):
            ics = invitation_ics(planned, cancel=cancel)
            if cancel:
                subject = _("Cancelled: mentoring session with %(partner)s") % {"partner": partner}
            else:
                subject = _("Mentoring session with %(partner)s, %(when)s") % {
                    "partner": partner,
                    "when": meeting_time(planned.starts_at, person.time_zone),
                }
            body = _body(planned, person, cancel=cancel)
        message = EmailMultiAlternatives(subject, body, None, [person.email])
        # Outlook and Exchange act on the calendar part of the message's alternatives (METHOD both in the part's
        # Content-Type and in the file); other clients and people saving it use the invite.ics attachment.
        message.attach_alternative(ics.decode(), f"text/calendar; method={method}")
        message.attach("invite.ics", ics, f"text/calendar; method={method}")
        message.send()
