"""``{% linked_url key arg... as name %}``: a page above mentoring, by its key in ``mentoring.hooks.LINKED_PAGES``.

Gives "" when no app registered the key, so ``{% if name %}`` leaves the link out.
"""

from django import template

from .. import hooks

register = template.Library()


@register.simple_tag
def linked_url(key: str, *args: object) -> str:
    return hooks.linked_url(key, *args)
