"""Friendly error pages that keep the navigation, and a 500 page that renders with no context at all."""

from __future__ import annotations

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import Resolver404, resolve, reverse

from core.ids import LARGEST_ID

pytestmark = pytest.mark.django_db


def test_404_is_friendly_and_keeps_the_navigation(client, coordinator):
    client.force_login(coordinator)
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    content = response.content.decode()
    assert "We couldn't find that page" in content
    assert "My programmes" in content  # the navigation is still there


def test_403_is_friendly(client, mentee):
    client.force_login(mentee)
    response = client.get(reverse("programmes:list"))
    assert response.status_code == 403
    assert "You can't open this page" in response.content.decode()


def test_500_page_renders_without_a_request():
    html = render_to_string("500.html")
    assert "Something went wrong on our side" in html
    assert "bootstrap.min.css" in html


def test_an_unexpected_error_shows_the_500_page(settings, monkeypatch):
    import programmes.views.core

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(programmes.views.core, "areas_for", explode)
    client = Client(raise_request_exception=False)
    from programmes.tests.factories import PersonFactory

    client.force_login(PersonFactory())
    response = client.get(reverse("home"))
    assert response.status_code == 500
    assert b"Something went wrong on our side" in response.content


def test_a_non_numeric_id_in_the_address_is_a_404_not_a_crash(client, coordinator):
    client.force_login(coordinator)
    page = reverse("programmes:detail", kwargs={"pk": 1})
    # Not an id (letters, or past the largest a database id can be): no page has that address.
    for not_an_id in ("abc", str(LARGEST_ID + 1)):
        address = page.replace("/1/", f"/{not_an_id}/")
        with pytest.raises(Resolver404):
            resolve(address)
        assert client.get(address).status_code == 404
    # An id the address accepts that no programme has: the view's own lookup answers 404, up to the largest.
    for missing in (99999999, LARGEST_ID):
        assert client.get(reverse("programmes:detail", kwargs={"pk": missing})).status_code == 404
