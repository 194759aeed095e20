"""The organisation's side: people, teams, programmes and who holds which role in them."""

from __future__ import annotations

import datetime
import zoneinfo
from decimal import Decimal

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from core.dates import validate_time_zone, zone_of
from core.single_line import SingleLineCharField


class OrgUnitQuerySet(models.QuerySet):
    def subtree_ids(self, root: OrgUnit) -> set[int]:
        """The unit and every unit below it, however deep; one query (org trees are small)."""
        children: dict[int | None, list[int]] = {}
        for pk, parent in self.values_list("pk", "parent_id"):
            children.setdefault(parent, []).append(pk)
        found, todo = set(), [root.pk]
        while todo:
            unit = todo.pop()
            if unit not in found:
                found.add(unit)
                todo.extend(children.get(unit, []))
        return found

    def departments(self) -> dict[int, tuple[int, str]]:
        """Every unit's department as (id, name), one query: see ``departments_of``."""
        return departments_of(
            {pk: (parent, kind, name) for pk, parent, kind, name in self.values_list("pk", "parent_id", "kind", "name")}
        )


def departments_of(units: dict[int, tuple[int | None, str, str]]) -> dict[int, tuple[int, str]]:
    """unit id -> its department's (id, name), from unit id -> (parent id, kind, name).

    The organisation says which units are departments with their kind: a unit's department is the nearest unit
    of kind "department" at or above it, however deep the tree (Finance > Tax > VAT: VAT is in Finance). A
    unit with no department at or above it belongs to the top of its tree. A broken tree (a cycle) cannot hang.
    """
    found: dict[int, tuple[int, str]] = {}
    for pk in units:
        unit, top, seen = pk, pk, set()
        department = None
        while unit is not None and unit in units and unit not in seen:
            seen.add(unit)
            parent, kind, _ = units[unit]
            if kind == OrgUnit.Kind.DEPARTMENT:
                department = unit
                break
            top, unit = unit, parent
        department = department if department is not None else top
        found[pk] = (department, units[department][2])
    return found


class OrgUnit(models.Model):
    """A department or a team; teams sit inside departments (a tree of any depth is allowed). A unit's
    department, wherever it is used (matching, reports), is the nearest unit of kind department at or above it
    (``departments_of``)."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", gettext_lazy("Department")
        TEAM = "team", gettext_lazy("Team")

    name = SingleLineCharField(max_length=120)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TEAM)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    # Who answers for the unit's learning environment (its audit results page and action plan). Empty: the
    # person who is line manager of most of the unit's current members (evaluation.selectors.audit_plans).
    lead = models.ForeignKey(
        "Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="led_units",
        verbose_name=gettext_lazy("lead"),
        help_text=gettext_lazy(
            "The line manager who answers for this unit. Empty: the line manager of most of its current members."
        ),
    )
    # SCIM's externalId for a team a provisioning client made (its own id for the group).
    scim_external_id = models.CharField(
        gettext_lazy("SCIM external id"), max_length=254, null=True, blank=True, editable=False
    )

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("org unit")
        verbose_name_plural = gettext_lazy("org units")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["parent", "name"], name="orgunit_unique_name_in_parent"),
            models.UniqueConstraint(
                Lower("name"), condition=Q(parent__isnull=True), name="orgunit_unique_top_level_name"
            ),
            models.CheckConstraint(condition=~Q(parent=F("pk")), name="orgunit_not_own_parent"),
        ]

    def __str__(self) -> str:
        # Callers that list units select_related("parent") so this costs no query.
        if self.parent_id:
            return f"{self.parent.name} › {self.name}"
        return self.name

    def clean(self) -> None:
        seen = {self.pk} if self.pk else set()
        unit = self.parent
        while unit is not None:
            if unit.pk in seen:
                raise ValidationError({"parent": gettext("A unit cannot sit inside itself or one of its own teams.")})
            seen.add(unit.pk)
            unit = unit.parent


class PersonQuerySet(models.QuerySet):
    def reports_of(self, manager: Person) -> PersonQuerySet:
        return self.filter(line_manager=manager, is_active=True)


class PersonManager(BaseUserManager.from_queryset(PersonQuerySet)):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> Person:
        if not email:
            raise ValueError("A person needs an email address to log in with.")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_user(self, email: str, password: str | None = None, **extra) -> Person:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> Person:
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)

    def get_by_natural_key(self, username: str) -> Person:
        # People type their address in any case; it is stored lower-case.
        return self.get(email__iexact=username)


class Person(AbstractBaseUser, PermissionsMixin):
    """Anyone who logs in: participants, coordinators, line managers, committee members, administrators."""

    email = models.EmailField(gettext_lazy("email address"), unique=True)
    display_name = SingleLineCharField(max_length=150)
    job_title = SingleLineCharField(max_length=150, blank=True)
    grade = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Grade or level, higher is more senior (used for the experience gap)."),
    )
    org_unit = models.ForeignKey(
        OrgUnit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="people",
        verbose_name=gettext_lazy("team"),
    )
    line_manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="reports")
    start_date = models.DateField(
        null=True, blank=True, help_text=gettext_lazy("When the person started, from the HR export.")
    )
    # Identity in the organisation's own systems: the HR system's employee id (the HR file's key, SCIM's
    # externalId, what a supervisor column points at) and the single sign-on provider's stable subject id.
    # Empty (NULL) for people who have none, so that uniqueness holds only among those who do.
    employee_id = models.CharField(
        gettext_lazy("employee id"),
        max_length=64,
        null=True,
        blank=True,
        unique=True,
        help_text=gettext_lazy("The HR system's id for the person."),
    )
    sso_subject = models.CharField(
        gettext_lazy("single sign-on subject"),
        max_length=255,
        null=True,
        blank=True,
        unique=True,
        help_text=gettext_lazy(
            "The identity provider's stable id for the person, kept at their first single sign-on login."
        ),
    )
    # SCIM's userName, when the identity provider's user name is not the email address (a user principal name,
    # say); empty: the userName is the email address.
    scim_user_name = models.CharField(
        gettext_lazy("SCIM user name"),
        max_length=254,
        null=True,
        blank=True,
        help_text=gettext_lazy("The identity provider's user name for the person, when it is not their email address."),
    )
    # SCIM's externalId: the provisioning client's own id for the person (Entra ID and Okta put their object id
    # there), kept as sent; the HR system's employee id comes as the enterprise extension's employeeNumber.
    scim_external_id = models.CharField(
        gettext_lazy("SCIM external id"), max_length=254, null=True, blank=True, editable=False
    )
    # A SCIM DELETE deactivates and keeps the row (its history stays); SCIM then answers 404 for the person and
    # leaves them out of its lists (RFC 7644 §3.6) until a client provisions the same email address again.
    scim_deleted_at = models.DateTimeField(gettext_lazy("deleted by SCIM"), null=True, blank=True, editable=False)
    left_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("When the person left the organisation; empty while they are here."),
    )
    missing_from_hr_since = models.DateTimeField(
        null=True,
        blank=True,
        help_text=gettext_lazy("Set when a people import no longer lists this person (never deleted)."),
    )
    # The person's IANA time zone (e.g. "Europe/Helsinki"): planned sessions are shown and reminded in it.
    # Empty: the installation's TIME_ZONE.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text=gettext_lazy("For example Europe/Helsinki."),
    )
    # The language Tandem speaks to the person (a code of settings.LANGUAGES; no choices here, so that adding a
    # language needs no migration). Empty: the browser's, which is remembered as browser_language for what is
    # sent to them (core.i18n.language_of).
    language = models.CharField(
        max_length=16,
        blank=True,
        help_text=gettext_lazy("Pages, emails and PDFs are in this language. Empty: your browser's."),
    )
    browser_language = models.CharField(max_length=16, blank=True, editable=False)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        gettext_lazy("administrator"),
        default=False,
        help_text=gettext_lazy("Administrators run the installation in the Django admin."),
    )
    date_joined = models.DateTimeField(default=timezone.now)
    # Email preferences: news is always in the app; these say what also comes by email.
    email_updates = models.BooleanField(
        gettext_lazy("email me about changes"),
        default=True,
        help_text=gettext_lazy("Applications, pairings, training and time decisions."),
    )
    email_reminders = models.BooleanField(
        gettext_lazy("email me check-in reminders"),
        default=True,
        help_text=gettext_lazy(
            "At most one email a day, with every reminder of that day. Off: reminders in the app only."
        ),
    )

    objects = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        ordering = ["display_name"]
        verbose_name = gettext_lazy("person")
        verbose_name_plural = gettext_lazy("people")
        constraints = [
            models.CheckConstraint(condition=~Q(line_manager=F("pk")), name="person_not_own_line_manager"),
            models.CheckConstraint(condition=Q(grade__lte=30), name="person_grade_at_most_30"),
            # SCIM user names are case-insensitive (RFC 7643 §4.1.1) and unique among the people who have one.
            models.UniqueConstraint(
                Lower("scim_user_name"),
                name="person_unique_scim_user_name",
                violation_error_code="unique",
                violation_error_message=gettext_lazy("Another person already has this SCIM user name."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_full_name(self) -> str:
        return self.display_name

    @property
    def zone(self) -> zoneinfo.ZoneInfo:
        return zone_of(self.time_zone)

    def get_short_name(self) -> str:
        return self.display_name.split(" ")[0] if self.display_name else self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.email.lower()
        if self.line_manager_id and self.pk:
            if self.line_manager_id == self.pk:
                raise ValidationError({"line_manager": gettext("A person cannot be their own line manager.")})
            # Walk up the chain: a cycle would make "anyone above in the management chain" undefined.
            seen = {self.pk}
            boss = self.line_manager
            while boss is not None:
                if boss.pk in seen:
                    raise ValidationError(
                        {
                            "line_manager": gettext("%(manager)s already reports to %(person)s, directly or not.")
                            % {"manager": self.line_manager, "person": self}
                        }
                    )
                seen.add(boss.pk)
                boss = boss.line_manager


class PersonUnitHistoryQuerySet(models.QuerySet):
    def held_on(self, day: datetime.date) -> PersonUnitHistoryQuerySet:
        """The rows that held at the end of ``day``: from ``since`` (included) until ``until`` (excluded)."""
        return self.filter(since__lte=day).filter(Q(until__isnull=True) | Q(until__gt=day))


class PersonUnitHistory(models.Model):
    """One stay of a person in a team, dates only: the history a period's report reads, so that a person counts
    in their department as it stood at the period's end, not as it stands when the report is viewed.
    Written by ``programmes.services.teams`` from every path that changes ``Person.org_unit``.

    A person is in ``org_unit`` from ``since`` up to the day before ``until`` (a move on 3 May counts in the new
    team on 3 May); ``until`` is empty for the team they are in now. A day with no row is a day without a team.
    """

    # "Since before any period": the first team Tandem knows of a person (when the history began, or when the
    # person was created with a team) is taken to have held all along, as reports read it before the history.
    ALWAYS = datetime.date(1900, 1, 1)

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="unit_history")
    # A unit deleted takes its stays with it, as Person.org_unit is emptied: the people count without a team.
    org_unit = models.ForeignKey(OrgUnit, on_delete=models.CASCADE, related_name="+", verbose_name=gettext_lazy("team"))
    since = models.DateField()
    until = models.DateField(null=True, blank=True, help_text=gettext_lazy("Empty while the person is in the team."))

    objects = PersonUnitHistoryQuerySet.as_manager()

    class Meta:
        ordering = ["person", "since", "pk"]
        verbose_name = gettext_lazy("team history")
        verbose_name_plural = gettext_lazy("team history")
        constraints = [
            models.UniqueConstraint(
                fields=["person"], condition=Q(until__isnull=True), name="personunithistory_one_open_per_person"
            ),
            models.CheckConstraint(
                condition=Q(until__isnull=True) | Q(until__gte=F("since")),
                name="personunithistory_until_after_since",
            ),
        ]
        indexes = [models.Index(fields=["person", "since"], name="personunithistory_person_since")]

    def __str__(self) -> str:
        # Ids and dates only (the admin's delete pages list related rows by this).
        until = f" to {self.until:%Y-%m-%d}" if self.until else ""
        return f"Person #{self.person_id} in unit #{self.org_unit_id} from {self.since:%Y-%m-%d}{until}"


class Role(models.TextChoices):
    COORDINATOR = "coordinator", gettext_lazy("Coordinator")
    MENTOR = "mentor", gettext_lazy("Mentor")
    MENTEE = "mentee", gettext_lazy("Mentee")
    COMMITTEE = "committee", gettext_lazy("Committee member")


PARTICIPANT_ROLES = (Role.MENTOR, Role.MENTEE)


class ProgrammeQuerySet(models.QuerySet):
    def visible_to(self, person: Person) -> ProgrammeQuerySet:
        """Programmes the person holds any role in. Nobody else learns that a programme exists."""
        if not person.is_authenticated:
            return self.none()
        return self.filter(Exists(Membership.objects.filter(programme=OuterRef("pk"), person=person)))

    def open_for_enrolment(self) -> ProgrammeQuerySet:
        """Recruiting programmes: anyone in the organisation may read about them and apply."""
        return self.filter(status=Programme.Status.RECRUITING)

    def with_role(self, person: Person, *roles: str) -> ProgrammeQuerySet:
        return self.filter(Exists(Membership.objects.filter(programme=OuterRef("pk"), person=person, role__in=roles)))


class Programme(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", gettext_lazy("Draft")
        RECRUITING = "recruiting", gettext_lazy("Recruiting")
        MATCHING = "matching", gettext_lazy("Matching")
        RUNNING = "running", gettext_lazy("Running")
        CLOSING = "closing", gettext_lazy("Closing")
        CLOSED = "closed", gettext_lazy("Closed")

    name = SingleLineCharField(max_length=150, unique=True)
    description = models.TextField(blank=True)
    goals = models.TextField(blank=True, help_text=gettext_lazy("What the programme wants to achieve, in a few lines."))
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    starts_on = models.DateField(null=True, blank=True)
    ends_on = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    # Check-ins (used by the relationship side).
    checkin_cadence_days = models.PositiveSmallIntegerField(
        gettext_lazy("check-in every (days)"), default=14, validators=[MinValueValidator(7), MaxValueValidator(90)]
    )
    intensive_checkins = models.PositiveSmallIntegerField(
        gettext_lazy("check-ins in the intensive start"), default=2, validators=[MaxValueValidator(10)]
    )
    intensive_days = models.PositiveSmallIntegerField(
        gettext_lazy("length of the intensive start (days)"), default=30, validators=[MaxValueValidator(120)]
    )
    escalation_grace_days = models.PositiveSmallIntegerField(
        gettext_lazy("grace days before a missed check-in is escalated"), default=7, validators=[MaxValueValidator(60)]
    )
    # Time and capacity.
    mentor_hours_per_month = models.DecimalField(
        gettext_lazy("protected hours a month for mentors"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("2.0"),
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    mentee_hours_per_month = models.DecimalField(
        gettext_lazy("protected hours a month for mentees"),
        max_digits=4,
        decimal_places=1,
        default=Decimal("3.0"),
        validators=[MinValueValidator(0), MaxValueValidator(40)],
    )
    default_mentor_capacity = models.PositiveSmallIntegerField(
        gettext_lazy("mentees per mentor (default)"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    endorsement_reminder_days = models.PositiveSmallIntegerField(
        gettext_lazy("remind the coordinator when a line manager has not answered after (days)"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("programme")
        verbose_name_plural = gettext_lazy("programmes")
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__isnull=True) | Q(starts_on__isnull=True) | Q(ends_on__gte=F("starts_on")),
                name="programme_ends_after_start",
            ),
            models.CheckConstraint(
                condition=Q(checkin_cadence_days__gte=7) & Q(default_mentor_capacity__gte=1),
                name="programme_sane_cadence_and_capacity",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("programmes:detail", args=[self.pk])

    @property
    def status_badge(self) -> str:
        """The Bootstrap colour that goes with the status."""
        return {
            self.Status.DRAFT: "secondary",
            self.Status.RECRUITING: "info",
            self.Status.MATCHING: "warning",
            self.Status.RUNNING: "success",
            self.Status.CLOSING: "primary",
            self.Status.CLOSED: "dark",
        }[self.status]


class MembershipQuerySet(models.QuerySet):
    def participants(self) -> MembershipQuerySet:
        return self.filter(role__in=PARTICIPANT_ROLES)


class Membership(models.Model):
    """One role one person holds in one programme. Line managers are not members: that comes from Person."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    created_at = models.DateTimeField(default=timezone.now)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = gettext_lazy("membership")
        verbose_name_plural = gettext_lazy("memberships")
        ordering = ["programme", "role", "person"]
        constraints = [
            models.UniqueConstraint(fields=["programme", "person", "role"], name="membership_unique_role"),
            # Mentor and mentee in the same programme at once would let a person be matched with themselves.
            models.UniqueConstraint(
                fields=["programme", "person"],
                condition=Q(role__in=["mentor", "mentee"]),
                name="membership_one_participant_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()} in {self.programme}"
