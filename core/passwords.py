"""Password validation beyond Django's own: common passwords in disguise."""

from __future__ import annotations

import string

from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# The substitutions people make to "strengthen" a common word.
LEET = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s", "!": "i"})
_NOT_LETTERS = string.digits + string.punctuation + string.whitespace
_MIN_CORE = 4  # a shorter core ("abc" inside a long random password) proves nothing


def password_cores(password: str) -> set[str]:
    """The words a password may be dressed-up from: lower case, digits and symbols off the ends, leetspeak undone.

    "P@ssw0rd2024!" -> {"p@ssw0rd2024!", "p@ssw0rd", "password", ...}; each is looked up in the common list.
    """
    lowered = password.strip().lower()
    forms = {lowered, lowered.strip(_NOT_LETTERS), lowered.rstrip(_NOT_LETTERS), lowered.lstrip(_NOT_LETTERS)}
    cores = set(forms)
    for form in forms:
        undone = form.translate(LEET)
        cores |= {undone, undone.strip(_NOT_LETTERS), undone.rstrip(_NOT_LETTERS)}
    return {core for core in cores if len(core) >= _MIN_CORE}


class BreachedStylePasswordValidator:
    """Rejects a password that is a common password with capitals, numbers, symbols or leetspeak added.

    Uses Django's list of 20,000 common passwords (the ones attackers try first); Django's own validator only
    catches the exact words.
    """

    def __init__(self) -> None:
        self._common = CommonPasswordValidator().passwords

    def validate(self, password: str, user=None) -> None:
        if password_cores(password) & self._common:
            raise ValidationError(
                _(
                    "This password is a common password with a few letters swapped or numbers and symbols added; "
                    "attackers try those first. Choose a longer phrase of unrelated words."
                ),
                code="password_breached_style",
            )

    def get_help_text(self) -> str:
        return _("Your password can't be a common password dressed up with numbers, symbols or swapped letters.")
