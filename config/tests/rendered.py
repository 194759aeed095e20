"""A POST form as a browser would send it, read from the rendered page (hidden fields and tokens included)."""

from __future__ import annotations

from html.parser import HTMLParser


class _Forms(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._form: dict | None = None
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._form = {"action": a.get("action", ""), "data": {}}
            self.forms.append(self._form)
        if self._form is None:
            return
        data = self._form["data"]
        if tag == "option" and self._select:
            value = a.get("value", "")
            if "selected" in a or data.get(self._select) is None:
                data[self._select] = value
            return
        if not a.get("name"):
            return
        if tag == "input":
            kind = a.get("type", "text").lower()
            if kind in ("submit", "button", "reset", "file", "image"):
                return
            if kind in ("checkbox", "radio") and "checked" not in a:
                return
            data[a["name"]] = a.get("value", "on" if kind in ("checkbox", "radio") else "")
        elif tag == "select":
            self._select = a["name"]
            data.setdefault(a["name"], None)
        elif tag == "textarea":
            self._textarea = a["name"]
            data[a["name"]] = ""

    def handle_data(self, text: str) -> None:
        if self._form is not None and self._textarea:
            self._form["data"][self._textarea] += text

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._form is not None and self._textarea:
            text = self._form["data"][self._textarea]
            self._form["data"][self._textarea] = text[1:] if text.startswith("\n") else text  # as browsers do
            self._textarea = None


def rendered_form(html: str, action: str = "") -> dict[str, str]:
    """The fields of the page's POST form whose action ends with ``action`` ("" = posts to the page itself)."""
    parser = _Forms()
    parser.feed(html)
    for form in parser.forms:
        if (action and form["action"].endswith(action)) or (not action and form["action"] in ("", ".")):
            return {k: ("" if v is None else v) for k, v in form["data"].items()}
    raise AssertionError(f"no POST form with action {action!r} on the page")
