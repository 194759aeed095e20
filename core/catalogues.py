"""The translation catalogues, kept with Python alone (Babel), so that adding or checking a language needs no
system package (GNU gettext's xgettext and msgfmt, which Django's makemessages and compilemessages call).

Strings are found the way makemessages finds them: Python and JavaScript by Babel's extractors, templates
through Django's own ``templatize`` (what makemessages hands to xgettext). Each string goes to the catalogue of
the app it belongs to: ``programmes/locale``, ``mentoring/locale``, ``evaluation/locale`` (their Python and
their folders under ``templates/``), and the root ``locale/`` for the rest (the site's frame, config, core) and
for ``static/js`` (the djangojs domain). ``python manage.py messages`` is the command (README: Languages).
"""

from __future__ import annotations

import datetime
import io
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from babel.messages.catalog import Catalog, Message
from babel.messages.extract import extract
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from django.conf import settings
from django.utils.translation import to_locale
from django.utils.translation.template import templatize

APPS = ("programmes", "mentoring", "evaluation")
SKIPPED_PARTS = {"tests", "migrations", "__pycache__", "locale", "management"}
PYTHON_KEYWORDS = {
    "_": None,
    "gettext": None,
    "gettext_lazy": None,
    "gettext_noop": None,
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
JS_KEYWORDS = {"gettext": None, "gettext_noop": None, "ngettext": (1, 2), "pgettext": ((1, "c"), 2)}
PLACEHOLDER = re.compile(r"%\(\w+\)[sdfir]|%[sdfir]")


@dataclass(frozen=True)
class Catalogue:
    """One .po/.mo pair per language: ``name`` is what ``messages --catalogue`` takes."""

    name: str
    locale_dir: Path
    domain: str = "django"

    def po_path(self, language: str) -> Path:
        return self.locale_dir / to_locale(language) / "LC_MESSAGES" / f"{self.domain}.po"

    def mo_path(self, language: str) -> Path:
        return self.po_path(language).with_suffix(".mo")


def base_dir() -> Path:
    return Path(settings.BASE_DIR)


def catalogues() -> list[Catalogue]:
    root = base_dir()
    return [
        *(Catalogue(app, root / app / "locale") for app in APPS),
        Catalogue("site", root / "locale"),
        Catalogue("js", root / "locale", domain="djangojs"),
    ]


def catalogue_named(name: str) -> Catalogue:
    for catalogue in catalogues():
        if catalogue.name == name:
            return catalogue
    raise LookupError(f"No catalogue {name!r}; there are {', '.join(c.name for c in catalogues())}.")


def target_languages() -> list[str]:
    """Every language but the one the strings are written in (English)."""
    source = settings.LANGUAGE_CODE.split("-")[0]
    return [code for code, _name in settings.LANGUAGES if code.split("-")[0] != source]


def _catalogue_of(relative: Path) -> str | None:
    """Which catalogue a source file's strings belong to, or None for files that have none to give."""
    parts = relative.parts
    if any(part in SKIPPED_PARTS for part in parts) or parts[0] in {".venv", "demo", "perf", "loadtest", "var"}:
        return None
    if relative.suffix == ".js":
        return "js" if parts[0] == "static" and "vendor" not in parts else None
    if parts[0] == "templates":
        inner = parts[2:] if len(parts) > 2 and parts[1] == "admin" else parts[1:]
        return inner[0] if len(inner) > 1 and inner[0] in APPS else "site"
    if relative.suffix == ".py":
        if parts[0] in APPS:
            return parts[0]
        return "site" if parts[0] in {"config", "core"} else None
    return None


def source_files() -> Iterator[tuple[str, Path]]:
    root = base_dir()
    for folder in (*APPS, "config", "core", "templates", "static"):
        for path in sorted((root / folder).rglob("*")):
            name = _catalogue_of(path.relative_to(root))
            if name and path.suffix in {".py", ".html", ".txt", ".js"} and path.is_file():
                yield name, path


def _messages_in(path: Path) -> Iterable[tuple[int, str | tuple[str, ...], list[str], str | None]]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".js":
        return extract("javascript", io.BytesIO(text.encode()), JS_KEYWORDS, ["Translators:"])
    if path.suffix == ".py":
        return extract("python", io.BytesIO(text.encode()), PYTHON_KEYWORDS, ["Translators:"])
    # templatize keeps the template's lines (text turned into X's, strings as repr()'d gettext calls); their
    # indentation is the template's, which Python's tokenizer would refuse.
    python = "\n".join(line.strip() for line in templatize(text, origin=str(path)).splitlines())
    return extract("python", io.BytesIO(python.encode()), PYTHON_KEYWORDS, ["Translators"])


def extract_templates() -> dict[str, Catalog]:
    """Every marked string of the source, as one template catalogue (a .pot) per catalogue name."""
    root = base_dir()
    found = {c.name: Catalog(domain=c.domain, project="Tandem", fuzzy=False) for c in catalogues()}
    for name, path in source_files():
        where = str(path.relative_to(root))
        for lineno, message, comments, context in _messages_in(path):
            if not (message[0] if isinstance(message, tuple) else message):
                continue
            found[name].add(message, locations=[(where, lineno)], auto_comments=comments, context=context)
    return found


def _read(path: Path, language: str, domain: str) -> Catalog:
    if path.exists():
        with path.open("rb") as handle:
            return read_po(handle, locale=to_locale(language), domain=domain)
    return Catalog(locale=to_locale(language), domain=domain, project="Tandem", fuzzy=False)


# The header stays the same from one extract to the next (no dates, no placeholders), and references name the
# file without its line: an extract changes a .po only where a string came or went, and branches merge cleanly.
HEADER_DATE = datetime.datetime(2026, 12, 1, tzinfo=datetime.UTC)


def _write(path: Path, catalog: Catalog) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    language = catalog.locale.english_name if catalog.locale else "the"
    catalog.header_comment = f"# {language} translations of Tandem (README: Languages).\n#"
    catalog.project, catalog.version, catalog.msgid_bugs_address = "Tandem", "1", ""
    catalog.last_translator = catalog.language_team = "Tandem"
    catalog.creation_date = catalog.revision_date = HEADER_DATE
    buffer = io.BytesIO()
    write_po(
        buffer, catalog, width=116, ignore_obsolete=True, sort_output=False, include_previous=False,
        include_lineno=False,
    )  # fmt: skip
    path.write_bytes(buffer.getvalue())


def read_catalogue(catalogue: Catalogue, language: str) -> Catalog:
    return _read(catalogue.po_path(language), language, catalogue.domain)


def write_catalogue(catalogue: Catalogue, language: str, catalog: Catalog) -> None:
    _write(catalogue.po_path(language), catalog)


def update(languages: Iterable[str] | None = None, names: Iterable[str] | None = None) -> dict[str, int]:
    """Bring every .po in line with the source: new strings come in untranslated (never guessed "fuzzy" from a
    similar one), strings gone from the source go. Returns how many entries each catalogue now has."""
    templates = extract_templates()
    sizes: dict[str, int] = {}
    for catalogue in catalogues():
        if names and catalogue.name not in names:
            continue
        template = templates[catalogue.name]
        sizes[catalogue.name] = len(template)
        for language in languages or target_languages():
            catalog = read_catalogue(catalogue, language)
            catalog.update(template, no_fuzzy_matching=True, update_header_comment=False)
            write_catalogue(catalogue, language, catalog)
    return sizes


def mo_bytes(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=False)
    return buffer.getvalue()


def compile_all() -> list[Path]:
    written = []
    for catalogue in catalogues():
        for language in target_languages():
            po = catalogue.po_path(language)
            if po.exists():
                catalogue.mo_path(language).write_bytes(mo_bytes(read_catalogue(catalogue, language)))
                written.append(catalogue.mo_path(language))
    return written


def untranslated(catalog: Catalog) -> list[Message]:
    """Entries a reader would see in English: empty, partly empty (a plural form missing) or fuzzy."""
    missing = []
    for message in catalog:
        if not message.id:
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message)
    return missing


def _placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def _placeholder_problems(message: Message) -> Iterator[str]:
    """A translation that names a placeholder the English does not have fails when the page is drawn; one
    that drops one loses what it said. A plural form may leave out the count ("eine Sitzung"), nothing else."""
    ids = message.id if isinstance(message.id, tuple) else (message.id,)
    strings = message.string if isinstance(message.string, tuple) else (message.string,)
    allowed = set().union(*(_placeholders(text) for text in ids))
    needed = _placeholders(ids[0]) - {"%(count)s", "%(counter)s", "%d", "%s"}
    for string in strings:
        found = _placeholders(string)
        if found - allowed or needed - found:
            yield f"placeholders differ from the English: {ids[0]!r} -> {string!r}"


@dataclass
class Problems:
    """What keeps the catalogues from being complete; empty when all is well."""

    lines: list[str] = field(default_factory=list)

    def add(self, line: str) -> None:
        self.lines.append(line)

    def __bool__(self) -> bool:
        return bool(self.lines)


def check() -> Problems:
    """The catalogues are complete: every marked string is in every language's .po (what a fresh extract would
    add: nothing), translated (no empty or fuzzy entry), with the same placeholders as the English (a missing
    ``%(name)s`` would make the page fail), and every .mo is the compiled form of its .po."""
    problems = Problems()
    templates = extract_templates()
    for catalogue in catalogues():
        template = templates[catalogue.name]
        wanted = {(m.context, m.id if not isinstance(m.id, tuple) else m.id[0]) for m in template if m.id}
        for language in target_languages():
            po = catalogue.po_path(language)
            if not po.exists():
                if wanted:
                    problems.add(f"{po}: missing (run: python manage.py messages extract)")
                continue
            catalog = read_catalogue(catalogue, language)
            have = {(m.context, m.id if not isinstance(m.id, tuple) else m.id[0]) for m in catalog if m.id}
            for _context, msgid in sorted(wanted - have, key=str):
                problems.add(f"{po}: not in the catalogue: {msgid!r} (run: python manage.py messages extract)")
            for _context, msgid in sorted(have - wanted, key=str):
                problems.add(f"{po}: no longer in the source: {msgid!r} (run: python manage.py messages extract)")
            missing = untranslated(catalog)
            for message in missing:
                problems.add(f"{po}: untranslated or fuzzy: {message.id!r}")
            for message in catalog:
                if message.id and message not in missing:
                    for line in _placeholder_problems(message):
                        problems.add(f"{po}: {line}")
            mo = catalogue.mo_path(language)
            if not mo.exists() or mo.read_bytes() != mo_bytes(catalog):
                problems.add(f"{mo}: not the compiled {po.name} (run: python manage.py messages compile)")
    return problems


# --- The pseudo-locale: every translated string visibly marked, to find what was never marked ---------------

PSEUDO_LANGUAGE = ("en-xa", "Pseudo")  # en_XA, the pseudo-locale code Android and Chrome use
PSEUDO_OPEN, PSEUDO_CLOSE = "«", "»"  # in Latin-1, so that the PDF's standard fonts draw them
_KEEP = re.compile(r"(%\(\w+\)[sdfir]|%[sdfir%]|<[^>]*>|&#?\w+;|\{\w*\})")
_ACCENTS = str.maketrans("aeiouyAEIOUYcnsCNS", "áéíóúýÁÉÍÓÚÝçñšÇÑŠ")


DATE_FORMAT_MSGID = re.compile(r"^[A-Za-z](?:[ ,.:/-]+[A-Za-z])*$")  # "j M Y", "D j F Y, H:i": no words


def pseudo(text: str) -> str:
    """``Save %(name)s`` -> ``«Sávé %(name)s»``: letters accented, placeholders, tags and entities kept. A date
    format (core.dates) stays as it is: its letters are instructions, and the dates it writes are translated."""
    if not text or DATE_FORMAT_MSGID.match(text):
        return text
    parts = _KEEP.split(text)
    return PSEUDO_OPEN + "".join(p if i % 2 else p.translate(_ACCENTS) for i, p in enumerate(parts)) + PSEUDO_CLOSE


def _third_party_sources(domain: str) -> Iterator[Path]:
    """The catalogues Django and the installed apps ship: their strings are on our pages too. Their English one,
    or any other where an app ships none in English (django-axes): the msgids are the same in each."""
    import django
    from django.apps import apps

    yield Path(django.__file__).parent / "conf" / "locale" / "en" / "LC_MESSAGES" / f"{domain}.po"
    for app in apps.get_app_configs():
        locale = Path(app.path) / "locale"
        english = locale / "en" / "LC_MESSAGES" / f"{domain}.po"
        if english.exists() or not locale.is_dir() or app.name in APPS:
            yield english
        else:
            yield next(iter(sorted(locale.glob(f"*/LC_MESSAGES/{domain}.po"))), english)


def pseudo_catalogues(locale_dir: Path) -> Path:
    """Write en_XA's django.mo and djangojs.mo under ``locale_dir`` (add it to LOCALE_PATHS and LANGUAGES to
    use it): Tandem's own strings and those of Django and the installed apps, each pseudo-translated."""
    ours = extract_templates()
    for domain in ("django", "djangojs"):
        catalog = Catalog(locale="en", domain=domain, fuzzy=False)
        sources = [ours[c.name] for c in catalogues() if c.domain == domain]
        for path in _third_party_sources(domain):
            if path.exists():
                with path.open("rb") as handle:
                    sources.append(read_po(handle, locale="en"))
        for source in sources:
            for message in source:
                if not message.id:
                    continue
                if isinstance(message.id, tuple):
                    string: str | tuple[str, str] = (pseudo(message.id[0]), pseudo(message.id[1]))
                else:
                    string = pseudo(message.id)
                catalog.add(message.id, string, context=message.context)
        target = locale_dir / "en_XA" / "LC_MESSAGES" / f"{domain}.mo"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(mo_bytes(catalog))
    return locale_dir
