"""The Django admin shows no text a person wrote (issue 14, point 12): a marker sits in every private text
field (notes, decline reasons, answers, summaries, goals, reflections, requests for help...), and the
administrator walks every admin page: the index, and for every registered model its list, and the change,
delete-confirmation and history page of every row. No marker may appear, not even through a ``__str__`` in
a list of related objects a delete would remove."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from .planted import plant

pytestmark = pytest.mark.django_db


def _admin_pages() -> list[str]:
    pages = [reverse("admin:index")]
    for model in admin.site._registry:
        opts = model._meta
        base = f"admin:{opts.app_label}_{opts.model_name}"
        pages.append(reverse(f"{base}_changelist"))
        for pk in model._default_manager.values_list("pk", flat=True):
            for view in ("change", "delete", "history"):
                try:
                    pages.append(reverse(f"{base}_{view}", args=[pk]))
                except NoReverseMatch:
                    continue
    return pages


def test_no_admin_page_shows_a_private_marker(client, cast):
    planted = plant(cast)
    client.force_login(cast["administrator"])
    pages = _admin_pages()
    assert len(pages) > 30  # every model, every row
    seen = []
    for url in pages:
        response = client.get(url)
        assert response.status_code in {200, 302, 403}, (url, response.status_code)
        body = response.content.decode()
        seen += [(p.where, url) for p in planted if p.marker in body]
    assert seen == []


def test_the_delete_page_of_an_applicant_lists_their_notices_and_answers_without_their_words(client, cast):
    planted = {p.where: p for p in plant(cast)}
    applicant = planted["answer.applicant"].author
    client.force_login(cast["administrator"])
    page = client.get(reverse("admin:programmes_person_delete", args=[applicant.pk])).content.decode()
    assert "Notification #" in page and "Answer #" in page
    for where in ("answer.applicant", "notification.applicant"):
        assert planted[where].marker not in page
