"""What an error report may carry: the traceback, never what people wrote or who they are.

Mentoring free text is private to the pair, and an error report leaves Tandem (an administrator's mailbox, Sentry).
These helpers are shared by the administrators' error email (config.errors) and Sentry's events (config.sentry).
Plain Python: settings.py imports config.sentry before Django is ready.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit, urlunsplit

HIDDEN = "[hidden]"
# Quoted text in an exception's message is usually a value repr() put there (a field's input, a note, a name):
# "invalid literal for int() with base 10: 'Private words'". The quote may open a word ("can't"): better
# one word too many hidden than a note shown.
_QUOTED = re.compile(r"""'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*\"""")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# PostgreSQL's "DETAIL:  Key (email)=(ana@example.org) already exists." names the values after "=".
_KEY_VALUES = re.compile(r"\)=\(.*\)")
# And a NOT NULL or CHECK constraint's "DETAIL:  Failing row contains (7, Ana Garcia, ...)." the whole row.
_FAILING_ROW = re.compile(r"(Failing row contains )\(.*\)")
# A long run of URL-safe characters after a slash is a key in a path: a calendar feed's token, a password reset
# link's token. Whoever has one reads the feed or sets the password, and calendar apps poll a failing feed.
# A run of letters only is a word (SCIM's /ServiceProviderConfig), not a key: a key of 43 characters has a digit,
# "_" or "-" but for 1 in 10,000.
_PATH_KEY = re.compile(r"(?<=/)(?![A-Za-z]+\b)[A-Za-z0-9_-]{20,}")


def scrub_text(text: str) -> str:
    """An exception's message or a log line without the values in it: quoted text, email addresses, the values
    a database constraint names. The message's own words and the exception's type stay."""
    text = _KEY_VALUES.sub(f")=({HIDDEN})", text)
    text = _FAILING_ROW.sub(rf"\1({HIDDEN})", text)
    text = _QUOTED.sub(f"'{HIDDEN}'", text)
    return scrub_path(text)


def scrub_path(path: str) -> str:
    """A URL's path (or a message naming one) without the keys and email addresses in it."""
    return _EMAIL.sub(HIDDEN, _PATH_KEY.sub(HIDDEN, path))


# A parameter's name as forms and links write them ("text", "form-0-note", "answers[3]"). Anything else is text
# that landed in the name: "?Ana Garcia" has no value, and a JSON body posted as a form is one long name.
_FIELD_NAME = re.compile(r"[\w.\-\[\]]{1,64}")


def scrub_name(name: str) -> str:
    """A form field's or query parameter's name, or [hidden] when it does not look like one."""
    return name if _FIELD_NAME.fullmatch(name) else HIDDEN


def scrub_query(query: str) -> str:
    """A query string with its names kept and its values hidden: "q=Ana&page=2" -> "q=[hidden]&page=[hidden]"."""
    return "&".join(f"{scrub_name(name)}={HIDDEN}" for name, _ in parse_qsl(query or "", keep_blank_values=True))


def scrub_url(url: str) -> str:
    """A URL without its query's values or its fragment (a search for a person's name stays out of the report)."""
    parts = urlsplit(url or "")
    return urlunsplit((parts.scheme, parts.netloc, scrub_path(parts.path), scrub_query(parts.query), ""))
