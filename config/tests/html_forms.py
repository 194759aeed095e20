"""Read a page's forms the way a browser does, and build what submitting one unchanged sends.

A browser does not send what the template wrote: it sends what its controls hold after the HTML rules have had
their say. A ``type=date`` input whose value is not ``yyyy-mm-dd`` holds nothing (so "01/03/2026" is sent as
empty, and saving writes NULL); a number input drops what is not a number; unchecked boxes, disabled controls
and controls without a name are not sent; a select sends its selected option or, with none selected, its first;
a textarea sends its text (less the newline right after the tag) with line breaks as CRLF. ``submission()``
follows those rules (the HTML standard's "constructing the entry list") so tests can post what a person's
browser would.
"""

from __future__ import annotations

import datetime
import math
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urljoin

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

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

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
        pairs: list[tuple[str, str]] = []
        submitter = self.submitter
        for control in self.controls:
            if control is submitter and control.name and control.kind == "submit":
                pairs.append((control.name, control.attrs.get("value") or ""))
            pairs.extend(control.entries())
        # Line breaks in names and values are sent as CRLF, whatever the page held.
        return [(name, re.sub(r"\r\n|\r|\n", "\r\n", value)) for name, value in pairs]


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
