"""django-scim2's views, narrowed to Tandem: ids are person and unit numbers (anything else is a SCIM 404, never a
500), lists are real querysets (filtered by ``filters``, paged in the database, a fixed number of queries), and a
body that is not a JSON object is a SCIM 400."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.db.models import CharField, Prefetch, QuerySet
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django_scim import exceptions, views
from django_scim.constants import SCIM_CONTENT_TYPE, SchemaURI

from ..models import OrgUnit, Person
from .filters import filter_q
from .projection import project

MAX_START = 10**9  # far past any organisation; a larger offset would overflow the database's integers


def _bounded(start: int, count: int) -> tuple[int, int]:
    """RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0; count at most the page."""
    return min(max(start, 1), MAX_START), min(max(count, 0), settings.TANDEM_SCIM_MAX_RESULTS)


class TandemView:
    """Mixed in before django-scim2's views."""

    def base_queryset(self) -> QuerySet:
        raise NotImplementedError

    def get_object(self):
        uuid = str(self.kwargs.get(self.lookup_url_kwarg) or "")
        if not uuid.isdigit() or len(uuid) > 18:
            raise exceptions.NotFoundError(uuid)
        found = self.base_queryset().filter(pk=int(uuid)).first()
        if found is None:
            raise exceptions.NotFoundError(uuid)
        return found

    def load_body(self, body: bytes) -> dict[str, Any]:
        try:
            doc = json.loads(body.decode("utf-8").strip() or "{}")
        except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            raise exceptions.BadRequestError("The body is not valid JSON.", scim_type="invalidSyntax") from None
        if not isinstance(doc, dict):
            raise exceptions.BadRequestError("The body must be a JSON object.", scim_type="invalidSyntax")
        return doc

    def _page(self, request: HttpRequest) -> tuple[int, int]:
        try:
            start = int(request.GET.get("startIndex", 1))
            count = int(request.GET.get("count", settings.TANDEM_SCIM_MAX_RESULTS))
        except ValueError:
            raise exceptions.BadRequestError(
                "startIndex and count must be numbers.", scim_type="invalidValue"
            ) from None
        return _bounded(start, count)

    def _search(self, request: HttpRequest, query: str, start: int, count: int) -> HttpResponse:
        qs = self.base_queryset().filter(filter_q(self.scim_adapter, query))
        return self._build_response(request, qs, start, count)

    def _shown(self, request: HttpRequest) -> tuple[Any, Any]:
        """The attributes the client asked for or excluded: from the query string, or a search's body."""
        body = getattr(request, "scim_search", None) or {}
        return (
            body.get("attributes", request.GET.get("attributes")),
            body.get("excludedAttributes", request.GET.get("excludedAttributes")),
        )

    def get_single(self, request: HttpRequest) -> HttpResponse:
        adapter = self.scim_adapter(self.get_object(), request=request)
        response = HttpResponse(
            json.dumps(project(adapter.to_dict(), *self._shown(request))), content_type=SCIM_CONTENT_TYPE
        )
        response["Location"] = adapter.location
        return response

    def get_many(self, request: HttpRequest) -> HttpResponse:
        query = request.GET.get("filter")
        if query:
            return self._search(request, query, *self._page(request))
        return self._build_response(request, self.base_queryset(), *self._page(request))

    def _build_response(self, request: HttpRequest, qs: QuerySet, start: int, count: int) -> HttpResponse:
        total = qs.count()
        page = list(qs.order_by("pk")[start - 1 : start - 1 + count]) if count else []
        doc = {
            "schemas": [SchemaURI.LIST_RESPONSE],
            "totalResults": total,
            "itemsPerPage": len(page),
            "startIndex": start,
            "Resources": [
                project(self.scim_adapter(o, request=request).to_dict(), *self._shown(request)) for o in page
            ],
        }
        return HttpResponse(json.dumps(doc), content_type=SCIM_CONTENT_TYPE)


class UsersView(TandemView, views.UsersView):
    def base_queryset(self) -> QuerySet:
        # userName is the SCIM user name where the identity provider set one, else the email address.
        return (
            Person.objects.filter(scim_deleted_at__isnull=True)
            .select_related("org_unit", "line_manager")
            .annotate(scim_user_name_or_email=Coalesce("scim_user_name", "email", output_field=CharField()))
        )


class SearchMixin:
    """POST …/.search (RFC 7644 §3.4.3): a SearchRequest; a search with no filter lists everything."""

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        body = self.load_body(request.body)
        if SchemaURI.SERACH_REQUEST not in (body.get("schemas") or []):
            raise exceptions.BadRequestError("The body must be a SearchRequest.", scim_type="invalidSyntax")
        request.scim_search = body
        query = body.get("filter")
        if query is not None and not isinstance(query, str):
            raise exceptions.BadRequestError("filter must be a string.", scim_type="invalidFilter")
        start, count = body.get("startIndex", 1), body.get("count", settings.TANDEM_SCIM_MAX_RESULTS)
        if not all(isinstance(n, int) and not isinstance(n, bool) for n in (start, count)):
            raise exceptions.BadRequestError("startIndex and count must be numbers.", scim_type="invalidValue")
        start, count = _bounded(start, count)
        if query:
            return self._search(request, query, start, count)
        return self._build_response(request, self.base_queryset(), start, count)


class UserSearchView(SearchMixin, TandemView, views.UserSearchView):
    base_queryset = UsersView.base_queryset


class GroupsView(TandemView, views.GroupsView):
    def base_queryset(self) -> QuerySet:
        # Each Group document lists its people: one query for all the teams shown.
        members = Person.objects.filter(scim_deleted_at__isnull=True).order_by("pk")
        return OrgUnit.objects.prefetch_related(Prefetch("people", queryset=members, to_attr="scim_members"))


class GroupSearchView(SearchMixin, TandemView, views.GroupSearchView):
    base_queryset = GroupsView.base_queryset


class RootSearchView(views.SCIMView):
    """POST /.search across every resource type: not offered (RFC 7644 §3.4.3 makes it optional), 501."""

    http_method_names = ["post"]

    def post(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raise exceptions.NotImplementedError(
            "Search one resource type at a time: /Users/.search or /Groups/.search.", scim_type=None
        )


class NotFoundView(views.SCIMView):
    """Any other path under /scim/v2/: SCIM's 404 (a token still needed to learn even that)."""

    http_method_names = ["get", "post", "put", "patch", "delete"]

    def get(self, request: HttpRequest, *args, **kwargs) -> HttpResponse:
        raise exceptions.NotFoundError(request.path)

    post = put = patch = delete = get


def _listing(resources: list[dict[str, Any]]) -> HttpResponse:
    doc = {
        "schemas": [SchemaURI.LIST_RESPONSE],
        "totalResults": len(resources),
        "itemsPerPage": len(resources),
        "startIndex": 1,
        "Resources": resources,
    }
    return HttpResponse(json.dumps(doc), content_type=SCIM_CONTENT_TYPE)


def _one(found: dict[str, Any] | None, uuid: str) -> HttpResponse:
    if found is None:
        raise exceptions.NotFoundError(uuid)
    return HttpResponse(json.dumps(found), content_type=SCIM_CONTENT_TYPE)


class ResourceTypesView(views.ResourceTypesView):
    """As django-scim2's, with a list response's counts (RFC 7644 §3.4.2) and an unknown type a SCIM 404."""

    def get(self, request: HttpRequest, uuid: str | None = None, *args, **kwargs) -> HttpResponse:
        types = self.type_dict_by_type_id(request)
        if uuid:
            return _one(types.get(uuid), uuid)
        return _listing(sorted(types.values(), key=lambda d: d["id"]))


class SchemasView(views.SchemasView):
    def get(self, request: HttpRequest, uuid: str | None = None, *args, **kwargs) -> HttpResponse:
        if uuid:
            return _one(self.schemas_by_uri.get(uuid), uuid)
        return _listing(sorted(self.schemas_by_uri.values(), key=lambda d: d["id"]))
