"""One-line text: names and titles never hold a line break.

A programme's name, a course's or a goal's title, a survey round's title, a skill, a spend's description and a
person's name are shown on one line and go into email subjects, where a line break makes the message
impossible to build (Django raises ``BadHeaderError``). A browser's one-line input already drops CR and LF, but
not U+2028, U+2029 or NEL, and a script or an imported file sends anything.

``SingleLineCharField`` is a ``CharField`` that says so once, on the model: its form field collapses every run of
line breaks into one space (what a browser does with a pasted line break), and its validator refuses a line
break that reaches ``full_clean()`` another way (a service, the admin). It is stored and migrated exactly as a
``CharField``.
"""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy

# CR, LF, vertical tab, form feed, the file/group/record separators, NEL and the Unicode line and paragraph
# separators: everything str.splitlines() breaks a line on.
LINE_BREAKS = re.compile(r"[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]+")
LINE_BREAK_MESSAGE = gettext_lazy("Keep this on one line: it has a line break.")


def single_line(text: str) -> str:
    """``text`` with each run of line breaks replaced by one space (and no space added at either end)."""
    return LINE_BREAKS.sub(" ", text).strip() if LINE_BREAKS.search(text) else text


def validate_single_line(value: object) -> None:
    if isinstance(value, str) and LINE_BREAKS.search(value):
        raise ValidationError(LINE_BREAK_MESSAGE, code="line_break")


class SingleLineFormField(forms.CharField):
    def to_python(self, value):
        value = super().to_python(value)
        return single_line(value) if isinstance(value, str) else value


class SingleLineCharField(models.CharField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Like CharField's own MaxLengthValidator: added to the field's validators, not to its deconstructed
        # arguments, so migrations see a plain CharField.
        self.validators.append(validate_single_line)

    def deconstruct(self):
        name, _path, args, kwargs = super().deconstruct()
        return name, "django.db.models.CharField", args, kwargs

    def formfield(self, **kwargs):
        if not self.choices:
            kwargs.setdefault("form_class", SingleLineFormField)
        return super().formfield(**kwargs)
