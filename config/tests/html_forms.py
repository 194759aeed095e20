"""Read a page's forms the way a browser does, and build what submitting one unchanged sends.

A browser does not send what the template wrote: it sends what its controls hold after the HTML rules have had
their say. A ``type=date`` input whose value is not ``yyyy-mm-dd`` holds nothing (so "01/03/2026" is sent as
empty, and saving writes NULL); a number input drops what is not a number; unchecked boxes, disabled controls
and controls without a name are not sent; a select sends its selected option or, with none selected, its first;
a textarea sends its text (less the newline right after the tag) with line breaks as CRLF. ``submission()``
follows those rules (the HTML standard's "constructing the entry list") so tests can post what a person's
browser would.

In a test: ``form = form_of(page.content.decode(), action=url)`` picks the page's one POST form posting to
``url`` (or ``id=``, or ``text=`` it shows); ``form.data(tick={"applications=3"}, decision="approve")`` is what
the browser sends after a person ticks a box, picks a radio, select option or button, or types in a field;
``form.submit(client, page_url)`` posts that. The CSRF token comes from the page, so a client with
``enforce_csrf_checks=True`` passes only when the page really carries it.
"""

from __future__ import annotations

import datetime
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urlencode, urljoin

DATE = re.compile(r"^(\d{4,})-(\d{2})-(\d{2})$")
MONTH = re.compile(r"^(\d{4,})-(\d{2})$")
NUMBER = re.compile(r"^-?(?:\d+(?:\.\d+)?|\.\d+)(?:[eE][+-]?\d+)?$")
NOT_SENT_TYPES = {"reset", "button", "image", "file"}  # a file input with no file chosen: Django sees nothing
BUTTON_TYPES = {"submit", "reset", "button", "image"}


def valid_date(value: str) -> bool:
    match = DATE.match(value)
    if not match:
        return False
    try:
        datetime.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return False
    return True


def valid_month(value: str) -> bool:
    match = MONTH.match(value)
    return bool(match) and int(match[1]) > 0 and 1 <= int(match[2]) <= 12


def valid_number(value: str) -> bool:
    return bool(NUMBER.match(value)) and math.isfinite(float(value))


def sanitised(kind: str, value: str) -> str:
    """The value an input holds after the HTML standard's value sanitisation for its type."""
    if kind in ("text", "search", "tel", "password", "hidden", ""):
        return value if kind == "hidden" else re.sub(r"[\r\n]", "", value)
    if kind in ("email", "url"):
        return re.sub(r"[\r\n]", "", value).strip()
    if kind == "date":
        return value if valid_date(value) else ""
    if kind == "month":
        return value if valid_month(value) else ""
    if kind in ("number", "range"):
        return value if valid_number(value) else ""
    return value


def _strings(value: Any) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple | set) else [str(value)]


@dataclass
class Control:
    tag: str  # input, select, textarea, button
    attrs: dict[str, str | None]
    disabled: bool  # its own attribute or a disabled fieldset around it
    options: list[tuple[str, bool, bool]] = field(default_factory=list)  # (value, selected, disabled) of a select
    text: str = ""  # a textarea's text

    @property
    def name(self) -> str:
        return self.attrs.get("name") or ""

    @property
    def kind(self) -> str:
        if self.tag == "button":
            return (self.attrs.get("type") or "submit").lower()
        if self.tag == "input":
            return (self.attrs.get("type") or "text").lower()
        return self.tag

    @property
    def is_submit_button(self) -> bool:
        return self.kind in ("submit", "image") and self.tag in ("input", "button")

    @property
    def editable(self) -> bool:
        """A control a person could change: not hidden, not a button."""
        return self.kind not in ("hidden", *BUTTON_TYPES) and not self.disabled

    def entries(self) -> list[tuple[str, str]]:
        """What this control adds to the submission (a submitter button is added by ``Form.submission``)."""
        if not self.name or self.disabled or self.tag == "button" or self.kind in NOT_SENT_TYPES | BUTTON_TYPES:
            return []
        if self.tag == "textarea":
            text = self.text[1:] if self.text.startswith("\n") else self.text
            return [(self.name, text)]
        if self.tag == "select":
            live = [(value, selected) for value, selected, disabled in self.options if not disabled]
            chosen = [value for value, selected in live if selected]
            if "multiple" in self.attrs:
                return [(self.name, value) for value in chosen]
            if chosen:
                return [(self.name, chosen[-1])]  # with several marked selected, the last one wins
            return [(self.name, live[0][0])] if live else []
        if self.kind in ("checkbox", "radio"):
            return [(self.name, self.attrs.get("value") or "on")] if "checked" in self.attrs else []
        return [(self.name, sanitised(self.kind, self.attrs.get("value") or ""))]


@dataclass
class Form:
    attrs: dict[str, str | None]
    controls: list[Control] = field(default_factory=list)
    text: str = ""  # the text shown inside the form (labels, button captions...)

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

    @property
    def action(self) -> str:
        """The action as the page wrote it ("" when the form posts to its own page)."""
        return self.attrs.get("action") or ""

    @property
    def id(self) -> str:
        return self.attrs.get("id") or ""

    @property
    def enctype(self) -> str:
        return (self.attrs.get("enctype") or "application/x-www-form-urlencoded").lower()

    @property
    def editable_controls(self) -> list[Control]:
        return [c for c in self.controls if c.editable and c.name]

    @property
    def submitter(self) -> Control | None:
        """The button a person clicks: the form's first submit button (its name and value are sent)."""
        return next((c for c in self.controls if c.is_submit_button and not c.disabled), None)

    def action_url(self, page_url: str) -> str:
        submitter = self.submitter
        action = (submitter.attrs.get("formaction") if submitter else None) or self.attrs.get("action") or ""
        return urljoin(page_url, action) if action else page_url

    def submission(self) -> list[tuple[str, str]]:
        """(name, value) pairs in document order, as a browser submits the form unchanged with its first button."""
        return self.pairs()

    def pairs(self, tick: Iterable[str] = (), **values: Any) -> list[tuple[str, str]]:
        """(name, value) pairs in document order, as a browser submits the form after a person changed it.

        ``tick`` holds "name=value" of the checkboxes to tick (besides those already ticked). ``values`` replace
        what a person types, and choose a radio, a select's option(s) or the ticked boxes of a name (a list for
        several) or the submit button to press, each only among the choices the page offers.
        """
        tick = set(tick)
        boxes = {f"{c.name}={c.attrs.get('value') or 'on'}" for c in self.controls if c.kind == "checkbox"}
        live = [c for c in self.controls if c.name and not c.disabled]
        assert tick <= boxes, f"no such checkbox to tick: {sorted(tick - boxes)} (the form has {sorted(boxes)})"
        unknown = set(values) - {c.name for c in live}
        assert not unknown, f"the form has no field {sorted(unknown)} a person could fill in"

        submitter = self.submitter
        buttons = [c for c in live if c.is_submit_button]
        for name, value in values.items():
            if named := [c for c in buttons if c.name == name]:
                submitter = next((c for c in named if (c.attrs.get("value") or "") == str(value)), None)
                assert submitter, f"{value!r} is not a button of {name}: {[c.attrs.get('value') for c in named]}"
            elif radios := [c.attrs.get("value") or "on" for c in live if c.name == name and c.kind == "radio"]:
                assert str(value) in radios, f"{value!r} is not one of the choices of {name}: {radios}"
            elif own := [c.attrs.get("value") or "on" for c in live if c.name == name and c.kind == "checkbox"]:
                assert set(_strings(value)) <= set(own), f"{value!r} are not boxes of {name}: {own}"

        pairs: list[tuple[str, str]] = []
        for control in self.controls:
            name, own = control.name, control.attrs.get("value") or "on"
            if control is submitter and name and control.kind == "submit":
                pairs.append((name, control.attrs.get("value") or ""))
            if control.disabled or not name:
                continue
            if control.kind == "checkbox":  # named in ``values``: ticked as they say, whatever the page ticked
                ticked = own in _strings(values[name]) if name in values else "checked" in control.attrs
                if ticked or f"{name}={own}" in tick:
                    pairs.append((name, own))
            elif name not in values:
                pairs.extend(control.entries())
            elif control.kind == "radio":
                if own == str(values[name]):
                    pairs.append((name, own))
            elif control.tag == "select":
                options = [value for value, _selected, disabled in control.options if not disabled]
                chosen = _strings(values[name])
                assert set(chosen) <= set(options), f"{chosen!r} are not options of {name}: {options}"
                pairs.extend((name, value) for value in chosen)
            elif control.entries():  # a field a person types in (a button or a file input adds nothing here)
                pairs.append((name, str(values[name])))
        # Line breaks in names and values are sent as CRLF, whatever the page held.
        return [(name, re.sub(r"\r\n|\r|\n", "\r\n", value)) for name, value in pairs]

    def data(self, tick: Iterable[str] = (), **values: Any) -> dict[str, str | list[str]]:
        """``pairs()`` as a dict for Django's test ``Client``: a name sent several times maps to the list."""
        data: dict[str, list[str]] = {}
        for name, value in self.pairs(tick, **values):
            data.setdefault(name, []).append(value)
        return {name: sent[0] if len(sent) == 1 else sent for name, sent in data.items()}

    def submit(self, client, page_url: str = "", *, tick: Iterable[str] = (), follow: bool = False, **values: Any):
        """Post the form with a Django test client as a browser does: its own encoding, its own action (resolved
        against ``page_url``, the page it was read from), ``tick`` and ``values`` as for ``pairs()``."""
        url = self.action_url(page_url)
        assert url, "the form posts to its own page: give page_url"
        if self.enctype == "multipart/form-data":
            return client.post(url, self.data(tick, **values), follow=follow)
        body = urlencode(self.pairs(tick, **values))
        return client.post(url, body, content_type="application/x-www-form-urlencoded", follow=follow)


class FormParser(HTMLParser):
    """Every <form> of a page with its controls, the ones tied to it by a ``form=`` attribute included."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.by_id: dict[str, Form] = {}
        self._form: Form | None = None
        self._select: Control | None = None
        self._option: list | None = None  # [value or None, selected, disabled, text]
        self._textarea: Control | None = None
        self._disabled_fieldsets = 0
        self._fieldsets: list[bool] = []
        self._orphans: list[tuple[str, Control]] = []  # controls outside any form that name one

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form":
            self._form = Form(a)
            self.forms.append(self._form)
            if a.get("id"):
                self.by_id[a["id"]] = self._form
        elif tag == "fieldset":
            disabled = "disabled" in a
            self._fieldsets.append(disabled)
            self._disabled_fieldsets += disabled
        elif tag in ("input", "select", "textarea", "button"):
            control = Control(tag, a, disabled="disabled" in a or self._disabled_fieldsets > 0)
            if a.get("form"):
                self._orphans.append((a["form"], control))
            elif self._form is not None:
                self._form.controls.append(control)
            if tag == "select":
                self._select = control
            elif tag == "textarea":
                self._textarea = control
        elif tag == "option" and self._select is not None:
            self._close_option()
            self._option = [a.get("value"), "selected" in a, "disabled" in a, ""]

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "fieldset" and self._fieldsets:
            self._disabled_fieldsets -= self._fieldsets.pop()
        elif tag == "option":
            self._close_option()
        elif tag == "select":
            self._close_option()
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._form is not None:
            self._form.text += data
        if self._textarea is not None:
            self._textarea.text += data
        elif self._option is not None:
            self._option[3] += data

    def _close_option(self) -> None:
        if self._option is not None and self._select is not None:
            value, selected, disabled, text = self._option
            # Without a value attribute an option sends its text, whitespace collapsed.
            self._select.options.append((" ".join(text.split()) if value is None else value, selected, disabled))
        self._option = None

    def close(self) -> None:
        super().close()
        for form_id, control in self._orphans:
            if form_id in self.by_id:
                self.by_id[form_id].controls.append(control)


def forms_of(html: str) -> list[Form]:
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_of(
    html: str, *, action: str | None = None, id: str | None = None, text: str | None = None, method: str = "post"
) -> Form:
    """The page's one form (POST unless ``method`` says otherwise) posting to ``action`` as written in the page
    ("" or "." for a form posting to its own page), with the ``id``, or showing ``text``; each filter optional."""
    found = [
        form
        for form in forms_of(html)
        if form.method == method
        and (action is None or form.action == action or (action in ("", ".") and form.action in ("", ".")))
        and (id is None or form.id == id)
        and (text is None or text in " ".join(form.text.split()))
    ]
    wanted = f"{method.upper()} form with action={action!r} id={id!r} text={text!r}"
    assert len(found) == 1, f"{len(found)} {wanted} on the page, not one"
    return found[0]
