"""Telling people about changes: a notification in the app and, usually, the same news by email."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.core.mail import EmailMessage, get_connection, send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from core.i18n import in_language_of

from ..models import Notification, Person, Programme, Role

# What is said to a person: a string, a lazy translation, or a function of no arguments that builds the text
# (``lambda: _("%(name)s applied.") % {...}``). Strings are sent as they are; the two others are said in each
# recipient's own language (core.i18n.in_language_of), one recipient at a time.
Said = str | Callable[[], str]


def said(text: Said) -> str:
    """``text`` in the active language."""
    return str(text() if callable(text) else text)


def email_greeting_body(person: Person, body: str) -> str:
    """The body of an email to ``person``: the greeting, ``body`` and the signature, in the active language."""
    greeting = gettext("Hello %(name)s,") % {"name": person.get_short_name()}
    return f"{greeting}\n\n{body}\n\nTandem\n"


# Grouped news within this window (and while unread) is one notification with a count, not one per event.
GROUP_WINDOW = datetime.timedelta(hours=24)


@dataclass(frozen=True)
class Group:
    """How to fold a kind of news into one notification: ``key`` names the kind and where it happens
    ("applications.new:12"); ``text`` and ``url`` say it for a count of two or more (``text`` is called in the
    recipient's language)."""

    key: str
    text: Callable[[int], str]
    url: str = ""


def notification_send(
    *,
    people: Iterable[Person],
    text: Said,
    url: str = "",
    email_subject: Said = "",
    email_body: Said = "",
    group: Group | None = None,
) -> list[Notification]:
    """Create one in-app notification per person and, when ``email_subject`` is given, email them too.

    With ``group``, a person who still has an unread notification of the same group from the last
    ``GROUP_WINDOW`` gets that one counted up and brought to the top instead of a new one, so three
    applications make one "3 new applications" and not three unread items.

    Emails go through Celery after the surrounding transaction commits (see core.mail_backend), so a change
    that rolls back tells nobody. Never put private relationship content in ``text`` or the email.

    ``text``, ``email_subject`` and ``email_body`` are said in each recipient's language (see ``Said``).
    """
    recipients = [p for p in dict.fromkeys(people) if p is not None and p.is_active]
    texts = {}
    for person in recipients:
        with in_language_of(person):
            texts[person.pk] = said(text)
    if group is None:
        notes = Notification.objects.bulk_create(
            [Notification(person=p, text=texts[p.pk][:300], url=url) for p in recipients]
        )
    else:
        notes = _grouped_send(recipients, texts=texts, url=url, group=group)
    if email_subject:
        for person in recipients:
            if not person.email_updates:  # they chose to read news in the app only
                continue
            with in_language_of(person):
                subject = said(email_subject)
                body = email_greeting_body(person, said(email_body) if email_body else texts[person.pk])
            send_mail(subject, body, None, [person.email])
    return notes


@transaction.atomic
def _grouped_send(recipients: list[Person], *, texts: dict[int, str], url: str, group: Group) -> list[Notification]:
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
            new.append(
                Notification(person=person, text=texts[person.pk][:300], url=url, group_key=group.key, created_at=now)
            )
            continue
        note.count += 1
        with in_language_of(person):
            note.text = str(group.text(note.count))[:300]
        note.url = group.url or url
        note.created_at = now
        note.save(update_fields=["count", "text", "url", "created_at"])
        notes.append(note)
    return notes + Notification.objects.bulk_create(new)


@dataclass(frozen=True)
class Notice:
    """One person's news, for sending many at once (``text`` and ``email_subject`` said in their language)."""

    person: Person
    text: Said
    url: str = ""
    email_subject: Said = ""


def notices_send(notices: Iterable[Notice]) -> None:
    """Send many people their own news with one insert and one hand-over to the mail backend.

    For bulk changes (a published matching round): the same result as calling ``notification_send`` once per
    person, without a query per person while the change holds its locks.
    """
    notices = [n for n in notices if n.person is not None and n.person.is_active]
    notes, mails = [], []
    for n in notices:
        with in_language_of(n.person):
            text = said(n.text)
            notes.append(Notification(person=n.person, text=text[:300], url=n.url))
            if n.email_subject and n.person.email_updates:
                body = email_greeting_body(n.person, text)
                mails.append(EmailMessage(said(n.email_subject), body, None, [n.person.email]))
    Notification.objects.bulk_create(notes)
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
