"""Amounts of money as the reader's language writes them: ``{{ amount|money:currency }}``."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.formats import number_format
from django.utils.translation import pgettext

register = template.Library()


def money_format(amount: Decimal | float | int | None, currency: str) -> str:
    """``1234.5, "EUR"`` as ``1,234.50 EUR`` in English and ``1.234,50 EUR`` in German: the number in the active
    language's separators, and where the code stands (before or after) chosen by its translators."""
    if amount is None:
        return ""
    number = number_format(amount, decimal_pos=2, use_l10n=True, force_grouping=True)
    # Translators: an amount of money; %(currency)s is a three-letter code (EUR, GBP). Reorder if your language
    # puts the code first.
    return pgettext("money", "%(amount)s %(currency)s") % {"amount": number, "currency": currency}


@register.filter
def money(amount: Decimal | float | int | None, currency: str) -> str:
    return money_format(amount, currency)
