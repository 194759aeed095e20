"""Submit a form as a browser would: read it from the rendered page, keep what a browser keeps.

Hidden and text fields send their value; a checkbox or radio only when it is ticked (``tick``); a select its
selected option (or the first); the CSRF token comes from the page, so a client with
``enforce_csrf_checks=True`` passes only when the page really carries it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any


@dataclass
class RenderedForm:
    action: str
    method: str
    fields: list[dict[str, Any]] = field(default_factory=list)  # {"tag", "type", "name", "value", "checked"}
    text: str = ""  # the visible text inside the form (button labels...)

    def data(self, tick: set[str] | None = None, **values: Any) -> dict[str, Any]:
        """The POST data: ``tick`` holds "name=value" of the checkboxes to tick (besides those already
        ticked); ``values`` replace typed values and choose radios and selects (among their own options)."""
        tick = tick or set()
        data: dict[str, list[str]] = {}
        for f in self.fields:
            name, kind = f["name"], f["type"]
            if kind == "radio" and name in values:
                if f["value"] == values[name]:
                    data[name] = [f["value"]]
            elif kind in ("checkbox", "radio"):
                if f["checked"] or f"{name}={f['value']}" in tick:
                    data.setdefault(name, []).append(f["value"])
            elif kind == "select":
                options = f["options"]
                chosen = values.get(name, f["value"] if f["value"] is not None else (options[0] if options else ""))
                assert chosen in options, f"{chosen!r} is not an option of {name}: {options}"
                data[name] = [chosen]
            elif kind in ("submit", "button", "file"):
                continue
            else:
                data[name] = [str(values.get(name, f["value"] or ""))]
        for name, value in values.items():
            radios = [f["value"] for f in self.fields if f["name"] == name and f["type"] == "radio"]
            assert not radios or value in radios, f"{value!r} is not one of the choices of {name}: {radios}"
        return {k: v if len(v) > 1 else v[0] for k, v in data.items()}


class _Finder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.forms: list[RenderedForm] = []
        self._form: RenderedForm | None = None
        self._select: dict[str, Any] | None = None
        self._textarea: dict[str, Any] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form":
            self._form = RenderedForm(a.get("action", ""), (a.get("method") or "get").lower())
            self.forms.append(self._form)
        elif self._form is None or "disabled" in a:
            return
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text").lower()
            value = a.get("value", "on" if kind in ("checkbox", "radio") else "")
            self._form.fields.append({"type": kind, "name": a["name"], "value": value, "checked": "checked" in a})
        elif tag == "select" and a.get("name"):
            self._select = {"type": "select", "name": a["name"], "value": None, "options": []}
            self._form.fields.append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(a.get("value", ""))
            if "selected" in a:
                self._select["value"] = a.get("value", "")
        elif tag == "textarea" and a.get("name"):
            self._textarea = {"type": "textarea", "name": a["name"], "value": "", "checked": False}
            self._form.fields.append(self._textarea)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._textarea["value"] += data
        if self._form is not None:
            self._form.text += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def rendered_forms(html: str, *, action: str | None = None) -> list[RenderedForm]:
    """The page's forms, optionally only those posting to ``action``."""
    finder = _Finder()
    finder.feed(html)
    return [f for f in finder.forms if action is None or f.action == action]
