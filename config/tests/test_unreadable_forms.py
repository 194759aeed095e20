"""A form body Django cannot read is a 400 with Tandem's page, never a bare 500.

Django 5 refuses a urlencoded form that says it is not UTF-8. Before the fix, the 400 page's CSRF check read
the body again, raised again, and so did the 500 page's: with the CSRF check on (as in production), the person
got the server's bare "Internal Server Error". The tests keep the check on, with the token a browser would send.
"""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode, urlsplit

import pytest
from django.test import Client
from django.urls import reverse

TANDEM_400 = "That request didn&#x27;t make sense"  # the heading of templates/400.html, as rendered
BAD_CHARSETS = ["iso-8859-1", "windows-1252", "utf-16", "utf-32"]


def token_in(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def browser_client(person) -> tuple[Client, str]:
    """A client with the CSRF check on, logged in, holding the csrftoken cookie a page set."""
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(person)
    return client


def is_tandem_400(response) -> bool:
    text = response.content.decode(errors="replace")
    return response.status_code == 400 and ("didn't make sense" in text or TANDEM_400 in text)


@pytest.mark.parametrize("charset", BAD_CHARSETS)
def test_a_form_posted_in_another_charset_is_tandems_400_page_and_saves_nothing(cast, charset):
    from mentoring.models import Goal

    client = browser_client(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    token = token_in(client.get(url).content.decode())
    assert client.cookies["csrftoken"].value
    body = urlencode({"csrfmiddlewaretoken": token, "title": "Speak up in meetings", "description": "x"})
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    encoded = body.encode(charset)
    response = client.generic("POST", url, encoded, content_type=content_type)  # the bytes as they are
    assert is_tandem_400(response), (response.status_code, response.content[:300])
    assert not Goal.objects.exists()


@pytest.mark.parametrize("charset", ["utf-16", "utf-32"])
def test_a_multipart_form_in_a_charset_that_cannot_be_read_never_crashes(cast, charset):
    """A multipart form says its charset too: refused (400) or, read with it, turned away by the CSRF check."""
    from mentoring.models import Goal

    client = browser_client(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    token = token_in(client.get(url).content.decode())
    boundary = "tandemboundary"
    parts = [("csrfmiddlewaretoken", token), ("title", "Speak up in meetings"), ("description", "x")]
    body = (
        "".join(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n' for name, value in parts
        )
        + f"--{boundary}--\r\n"
    )
    content_type = f"multipart/form-data; boundary={boundary}; charset={charset}"
    response = client.generic("POST", url, body.encode(), content_type=content_type)
    assert response.status_code in (400, 403), (response.status_code, response.content[:300])
    assert response.status_code == 403 or is_tandem_400(response)
    assert not Goal.objects.exists()


def test_a_broken_multipart_body_is_tandems_400_page(cast):
    client = browser_client(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    client.get(url)
    response = client.generic("POST", url, b"--x\r\nno end", content_type="multipart/form-data; boundary=")
    assert is_tandem_400(response), (response.status_code, response.content[:300])


def raw_request(live_server, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """One request as a browser's bytes reach the server: no test client in between."""
    where = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(where.hostname, where.port, timeout=30)
    try:
        connection.request(method, path, body=body or None, headers=headers or {})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read().decode(errors="replace")
    finally:
        connection.close()


@pytest.mark.parametrize("charset", ["iso-8859-1", "utf-16"])
def test_a_real_server_answers_a_login_form_in_another_charset_with_tandems_400_page(live_server, charset):
    status, headers, html = raw_request(live_server, "GET", "/accounts/login/")
    assert status == 200
    cookie = re.search(r"csrftoken=([^;]+)", headers["Set-Cookie"]).group(1)
    form = urlencode({"csrfmiddlewaretoken": token_in(html), "username": "zofia@example.org", "password": "wrong"})
    status, _, html = raw_request(
        live_server,
        "POST",
        "/accounts/login/",
        form.encode(charset),
        {
            "Content-Type": f"application/x-www-form-urlencoded; charset={charset}",
            "Cookie": f"csrftoken={cookie}",
            "Origin": live_server.url,
            "Referer": f"{live_server.url}/accounts/login/",
        },
    )
    assert status == 400, html[:300]
    assert "didn't make sense" in html or TANDEM_400 in html


def test_a_form_with_more_fields_than_django_reads_is_tandems_400_page(cast, settings):
    client = browser_client(cast["mentee"])
    url = reverse("mentoring:goal_create", kwargs={"pk": cast["pairing"].pk})
    token = token_in(client.get(url).content.decode())
    fields = "&".join(f"f{i}=x" for i in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    body = f"csrfmiddlewaretoken={token}&title=Speak+up&{fields}".encode()
    response = client.generic("POST", url, body, content_type="application/x-www-form-urlencoded")
    assert is_tandem_400(response), (response.status_code, response.content[:300])
