"""``{% once_token %}``: the hidden one-time token of a create form (see ``core.once``)."""

from django import template
from django.utils.html import format_html

from ..once import FIELD, once_token_new

register = template.Library()


@register.simple_tag
def once_token() -> str:
    return format_html('<input type="hidden" name="{}" value="{}">', FIELD, once_token_new())
