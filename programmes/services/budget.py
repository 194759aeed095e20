"""Resource budgets: budget lines a coordinator plans, and the spends recorded against them.

Amounts of different currencies are never added together: a spend is always in its line's currency, and a
line's currency cannot change once money has been spent against it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.dates import long_date

from ..models import BudgetLine, Course, Membership, Person, Programme, Spend

KNOWN_CURRENCIES = ("EUR", "GBP", "USD", "SEK", "NOK", "DKK", "CHF", "PLN", "CZK", "HUF", "CAD", "AUD", "JPY")
# Receipts from before the start (venue deposits, early bookings) are normal; a year-old one is a typo.
DAYS_BEFORE_START = 90
MAX_AMOUNT = Decimal("9999999999.99")  # what the amount columns hold (12 digits, 2 of them decimals)


def currency_validate(code: str) -> None:
    """Raise a ValidationError unless ``code`` is one of the ISO 4217 codes Tandem handles."""
    if not (isinstance(code, str) and len(code) == 3 and code.isascii() and code.isalpha() and code.isupper()):
        raise ValidationError(_("A currency is a three-letter code in capitals, such as EUR or GBP."), code="format")
    if code not in KNOWN_CURRENCIES:
        raise ValidationError(
            _("Tandem does not handle %(code)s yet. Use one of: %(codes)s.")
            % {"code": code, "codes": ", ".join(KNOWN_CURRENCIES)},
            code="unknown",
        )


def _amount_problem(amount: Decimal, *, allow_zero: bool) -> str | None:
    """What is wrong with an amount, in words, or None."""
    if not isinstance(amount, Decimal) or not amount.is_finite():
        return _("Enter the amount as a number, such as 120.50.")
    if amount < 0 or (amount == 0 and not allow_zero):
        return _("The amount cannot be negative.") if allow_zero else _("The amount must be more than zero.")
    if amount > MAX_AMOUNT:
        return _("That amount is too large; the most Tandem records is %(max)s.") % {
            "max": number_format(MAX_AMOUNT, force_grouping=True)
        }
    if amount != amount.quantize(Decimal("0.01")):
        return _("Amounts have at most 2 decimals (whole cents or pence).")
    return None


def _line_check(line: BudgetLine) -> None:
    errors: dict[str, list[str]] = {}
    try:
        currency_validate(line.currency)
    except ValidationError as exc:
        errors["currency"] = exc.messages
    if problem := _amount_problem(line.planned_amount, allow_zero=True):
        errors["planned_amount"] = [problem]
    if errors:
        raise ValidationError(errors)
    line.full_clean()


def _lock(line: BudgetLine) -> BudgetLine:
    # Spends and changes to their line take the line's row lock, so a spend recorded at the same moment
    # cannot slip past the currency rule or the delete rule.
    return BudgetLine.objects.select_for_update().get(pk=line.pk)


@transaction.atomic
def budget_line_create(
    *, programme: Programme, category: str, planned_amount: Decimal, currency: str, description: str = ""
) -> BudgetLine:
    line = BudgetLine(
        programme=programme,
        category=category,
        planned_amount=planned_amount,
        currency=currency,
        description=description.strip(),
    )
    _line_check(line)
    line.save()
    return line


@transaction.atomic
def budget_line_update(
    *, line: BudgetLine, category: str, planned_amount: Decimal, currency: str, description: str = ""
) -> BudgetLine:
    current = _lock(line)
    if currency != current.currency and current.spends.exists():
        raise ValidationError(
            {
                "currency": _(
                    "Money has already been spent from this line in %(currency)s, so its currency "
                    "cannot change. Add a new line for the other currency."
                )
                % {"currency": current.currency}
            }
        )
    line.category = category
    line.planned_amount = planned_amount
    line.currency = currency
    line.description = description.strip()
    _line_check(line)
    line.save()
    return line


@transaction.atomic
def budget_line_delete(*, line: BudgetLine) -> None:
    _lock(line)
    count = Spend.objects.filter(line=line).count()
    if count:
        raise ValidationError(
            ngettext(
                "“%(line)s” cannot be deleted: %(count)s spend is recorded against it. "
                "Delete those spends first, or keep the line.",
                "“%(line)s” cannot be deleted: %(count)s spends are recorded against it. "
                "Delete those spends first, or keep the line.",
                count,
            )
            % {"line": line, "count": count}
        )
    line.delete()


@transaction.atomic
def spend_create(
    *,
    line: BudgetLine,
    spent_on: datetime.date,
    amount: Decimal,
    description: str,
    by: Person,
    course: Course | None = None,
    person: Person | None = None,
) -> Spend:
    _lock(line)
    programme = line.programme
    today = timezone.localdate()
    errors: dict[str, str] = {}
    if spent_on > today:
        errors["spent_on"] = _("A spend cannot be dated in the future. Record it once the money is spent.")
    elif programme.starts_on and spent_on < programme.starts_on - datetime.timedelta(days=DAYS_BEFORE_START):
        earliest = programme.starts_on - datetime.timedelta(days=DAYS_BEFORE_START)
        errors["spent_on"] = _(
            "This date is more than %(days)s days before the programme starts "
            "(%(start)s); the earliest allowed is %(earliest)s."
        ) % {
            "days": DAYS_BEFORE_START,
            "start": long_date(programme.starts_on),
            "earliest": long_date(earliest),
        }
    if not description.strip():
        errors["description"] = _("Say what the money was spent on.")
    if person is not None and not Membership.objects.filter(programme=programme, person=person).exists():
        errors["person"] = _("%(person)s is not a member of %(programme)s; choose one of its members or nobody.") % {
            "person": person,
            "programme": programme,
        }

    if problem := _amount_problem(amount, allow_zero=False):
        errors["amount"] = problem
    if errors:
        raise ValidationError(errors)
    spend = Spend(
        line=line,
        spent_on=spent_on,
        amount=amount,
        description=description.strip(),
        course=course,
        person=person,
        created_by=by,
    )
    spend.full_clean()
    spend.save()
    return spend


@transaction.atomic
def spend_delete(*, spend: Spend) -> None:
    spend.delete()
