"""Telling people about changes: a notification in the app and, usually, the same news by email."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from ..models import Notification, Person, Programme, Role

# Grouped news within this window (and while unread) is one notification with a count, not one per event.
GROUP_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Group:
    """How to fold a kind of news into one notification: ``key`` names the kind and where it happens
    ("applications.new:12"); ``text`` and ``url`` say it for a count of two or more."""

    key: str
    text: Callable[[int], str]
    url: str = ""


def notification_send(
    *,
    people: Iterable[Person],
    text: str,
    url: str = "",
    email_subject: str = "",
    email_body: str = "",
    group: Group | None = None,
) -> list[Notification]:
    """Create one in-app notification per person and, when ``email_subject`` is given, email them too.

    With ``group``, a person who still has an unread notification of the same group from the last
    ``GROUP_WINDOW`` gets that one counted up and brought to the top instead of a new one, so three
    applications make one "3 new applications" and not three unread items.

    Emails go through Celery after the surrounding transaction commits (see core.mail_backend), so a change
    that rolls back tells nobody. Never put private relationship content in ``text`` or the email.
    """
    recipients = [p for p in dict.fromkeys(people) if p is not None and p.is_active]
    if group is None:
        notes = Notification.objects.bulk_create([Notification(person=p, text=text[:300], url=url) for p in recipients])
    else:
        notes = _grouped_send(recipients, text=text, url=url, group=group)
    if email_subject:
        body = email_body or text
        for person in recipients:
            if not person.email_updates:  # they chose to read news in the app only
                continue
            send_mail(email_subject, f"Hello {person.get_short_name()},\n\n{body}\n\nTandem\n", None, [person.email])
    return notes


@transaction.atomic
def _grouped_send(recipients: list[Person], *, text: str, url: str, group: Group) -> list[Notification]:
    now = timezone.now()
    # Locked, so two events at once count to two rather than both writing "2" over the same row.
    existing: dict[int, Notification] = {}
    for note in (
        Notification.objects.select_for_update()
        .filter(person__in=recipients, group_key=group.key, read_at__isnull=True, created_at__gte=now - GROUP_WINDOW)
        .order_by("-created_at", "-pk")
    ):
        existing.setdefault(note.person_id, note)  # the newest, should there ever be two
    notes, new = [], []
    for person in recipients:
        note = existing.get(person.pk)
        if note is None:
            new.append(Notification(person=person, text=text[:300], url=url, group_key=group.key, created_at=now))
            continue
        note.count += 1
        note.text = group.text(note.count)[:300]
        note.url = group.url or url
        note.created_at = now
        note.save(update_fields=["count", "text", "url", "created_at"])
        notes.append(note)
    return notes + Notification.objects.bulk_create(new)


@dataclass(frozen=True)
class Notice:
    """One person's news, for sending many at once."""

    person: Person
    text: str
    url: str = ""
    email_subject: str = ""


def notices_send(notices: Iterable[Notice]) -> None:
    """Send many people their own news with one insert and one hand-over to the mail backend.

    For bulk changes (a published matching round): the same result as calling ``notification_send`` once per
    person, without a query per person while the change holds its locks.
    """
    notices = [n for n in notices if n.person is not None and n.person.is_active]
    Notification.objects.bulk_create([Notification(person=n.person, text=n.text[:300], url=n.url) for n in notices])
    mails = [
        EmailMessage(
            n.email_subject, f"Hello {n.person.get_short_name()},\n\n{n.text}\n\nTandem\n", None, [n.person.email]
        )
        for n in notices
        if n.email_subject and n.person.email_updates
    ]
    if mails:
        get_connection().send_messages(mails)


def coordinators_of(programme: Programme | int) -> list[Person]:
    """The programme's active coordinators: the people told about what happens in it."""
    return list(
        Person.objects.filter(
            is_active=True, memberships__programme=programme, memberships__role=Role.COORDINATOR
        ).distinct()
    )


# Notification centre: opening one notice, email preferences


def notification_local_url(url: str) -> str:
    """The notice's link if it is a path on this site ("/mentoring/..."), else "": opening a notice must never
    send anyone to another site, whatever got stored in ``url``."""
    if url and url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=set()):
        return url
    return ""


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notice read (once: the first reading time is kept)."""
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return notification


def notifications_mark_all_read(*, person: Person) -> int:
    """Mark every unread notice of ``person`` read now; how many were unread."""
    return Notification.objects.filter(person=person, read_at__isnull=True).update(read_at=timezone.now())


@transaction.atomic
def person_email_preferences_update(
    *, person: Person, email_updates: bool, email_reminders: bool, language: str = ""
) -> Person:
    """What also comes by email (everything is in the app whatever they choose), and the language of it all."""
    person.email_updates = email_updates
    person.email_reminders = email_reminders
    person.language = language
    person.save(update_fields=["email_updates", "email_reminders", "language"])
    return person
