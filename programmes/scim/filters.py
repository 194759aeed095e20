"""SCIM filters (RFC 7644 §3.4.2.2) as Django Q objects, through scim2-filter-parser's Django transpiler (the
parser django-scim2 uses), on the attributes Tandem stores. Comparisons are case-insensitive, as userName's are."""

from __future__ import annotations

from django.db.models import Q
from django_scim import exceptions
from django_scim.constants import SchemaURI
from scim2_filter_parser.parser import SCIMParserError
from scim2_filter_parser.transpilers.django_q_object import get_query

ENTERPRISE = SchemaURI.ENTERPRISE_USER.lower()

USER_ATTRIBUTES = {
    ("userName", None, None): "scim_user_name_or_email",
    ("externalId", None, None): "scim_external_id",
    ("displayName", None, None): "display_name",
    ("title", None, None): "job_title",
    ("emails", None, None): "email",
    ("emails", "value", None): "email",
    ("active", None, None): "is_active",
    ("employeeNumber", None, ENTERPRISE): "employee_id",
}
GROUP_ATTRIBUTES = {("displayName", None, None): "name"}


def filter_q(adapter: type, query: str) -> Q:
    """The Q object for ``query``; an unknown attribute or a filter that does not parse: SCIM 400 invalidFilter."""
    attributes = GROUP_ATTRIBUTES if adapter.resource_type == "Group" else USER_ATTRIBUTES
    try:
        q = get_query(query, attributes)
    except (SCIMParserError, ValueError, TypeError, AttributeError, IndexError, KeyError) as error:
        raise exceptions.BadRequestError(f"Tandem cannot read the filter: {error}", scim_type="invalidFilter") from None
    if not isinstance(q, Q):
        raise exceptions.BadRequestError(
            "The filter names no attribute Tandem can search on.", scim_type="invalidFilter"
        )
    return q
