"""Submitting a Django admin form as a browser would: read the form as rendered, keep what a browser
sends (checked boxes, selected options, textareas, hidden fields and the CSRF token), change a few values,
post it with CSRF checks on."""

from __future__ import annotations

from html.parser import HTMLParser

from django.test import Client


class _RenderedForm(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id  # "*post*": the page's last form with method="post"
        self.inside = False
        self.done = False
        self.fields: list[tuple[str, str]] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: (v if v is not None else "") for k, v in attrs}
        if tag == "form" and self.form_id == "*post*" and a.get("method", "").lower() == "post":
            self.inside, self.fields = True, []  # the last one wins (the header's logout form comes first)
        elif tag == "form" and not self.done and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name")
        if tag == "input" and name:
            kind = a.get("type", "text").lower()
            if kind in {"submit", "button", "image", "reset", "file"}:
                return
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            self.fields.append((name, a.get("value", "on" if kind in {"checkbox", "radio"} else "")))
        elif tag == "select" and name:
            self._select, self._options = (name, "multiple" in a), []
        elif tag == "option" and self._select is not None:
            self._options.append((a.get("value", ""), "selected" in a))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, []

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self.inside:
            self.inside, self.done = False, True
        elif tag == "select" and self._select is not None:
            name, multiple = self._select
            chosen = [v for v, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.fields += [(name, v) for v in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, "".join(self._text).removeprefix("\n")))
            self._textarea = None


def rendered_form(html: str, form_id: str) -> dict[str, str | list[str]]:
    """The fields a browser would post from the form ``form_id`` (empty inline templates left out)."""
    parser = _RenderedForm(form_id)
    parser.feed(html)
    data: dict[str, str | list[str]] = {}
    for name, value in parser.fields:
        if "__prefix__" in name:
            continue
        if name in data:
            previous = data[name]
            data[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            data[name] = value
    return data


def admin_submit(client: Client, url: str, form_id: str, changes: dict[str, object] | None = None, **extra):
    """GET ``url``, post its form back with ``changes`` applied (a value of None drops the field)."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = rendered_form(page.content.decode(), form_id)
    assert "csrfmiddlewaretoken" in data, f"no CSRF token in {form_id} on {url}"
    for name, value in (changes or {}).items():
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value if isinstance(value, list) else str(value)
    return client.post(url, data, **extra)
