"""``python manage.py messages extract|todo|fill|compile|check``: the translation catalogues, with Python alone
(core.catalogues; README: Languages)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from core import catalogues


class Command(BaseCommand):
    help = "Keep the translation catalogues: extract, todo, fill, compile, check."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        extract = sub.add_parser("extract", help="Bring every .po in line with the marked strings of the source.")
        extract.add_argument("--language", action="append", help="Only this language (repeatable).")
        extract.add_argument("--catalogue", action="append", help="Only this catalogue (repeatable).")
        todo = sub.add_parser("todo", help="The untranslated entries of one catalogue, as JSON to fill in.")
        todo.add_argument("language")
        todo.add_argument("--catalogue", required=True)
        fill = sub.add_parser("fill", help='Apply translations from JSON: {"msgid": "text" or ["one", "many"]}.')
        fill.add_argument("language")
        fill.add_argument("file")
        fill.add_argument("--catalogue", required=True)
        sub.add_parser("compile", help="Write every .mo from its .po.")
        sub.add_parser("check", help="Fail unless every catalogue is complete, translated and compiled.")

    def handle(self, *args: Any, action: str, **options: Any) -> None:
        getattr(self, f"do_{action}")(**options)

    def do_extract(self, language: list[str] | None, catalogue: list[str] | None, **options: Any) -> None:
        for name, size in catalogues.update(language, catalogue).items():
            self.stdout.write(f"{name}: {size} strings")

    def _catalogue(self, name: str, language: str) -> tuple[catalogues.Catalogue, Any]:
        if language not in catalogues.target_languages():
            raise CommandError(f"{language!r} is not one of {catalogues.target_languages()} (settings.LANGUAGES).")
        try:
            catalogue = catalogues.catalogue_named(name)
        except LookupError as error:
            raise CommandError(str(error)) from None
        return catalogue, catalogues.read_catalogue(catalogue, language)

    def do_todo(self, language: str, catalogue: str, **options: Any) -> None:
        _where, catalog = self._catalogue(catalogue, language)
        todo = {}
        for message in catalogues.untranslated(catalog):
            key = message.id[0] if isinstance(message.id, tuple) else message.id
            todo[key] = list(message.id) if isinstance(message.id, tuple) else ""
        self.stdout.write(json.dumps(todo, ensure_ascii=False, indent=1))

    def do_fill(self, language: str, file: str, catalogue: str, **options: Any) -> None:
        where, catalog = self._catalogue(catalogue, language)
        try:
            translations = json.loads(Path(file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise CommandError(f"{file}: {error}") from None
        by_id = {(m.id[0] if isinstance(m.id, tuple) else m.id): m for m in catalog if m.id}
        unknown = []
        for msgid, text in translations.items():
            message = by_id.get(msgid)
            if message is None:
                unknown.append(msgid)
                continue
            if isinstance(message.id, tuple):
                forms = [text] if isinstance(text, str) else list(text)
                plurals = catalog.num_plurals
                message.string = tuple((forms + [forms[-1]] * plurals)[:plurals])
            else:
                message.string = text if isinstance(text, str) else text[0]
            message.flags.discard("fuzzy")
        catalogues.write_catalogue(where, language, catalog)
        left = len(catalogues.untranslated(catalog))
        self.stdout.write(f"{len(translations) - len(unknown)} filled, {left} still untranslated.")
        for msgid in unknown:
            self.stderr.write(f"not in the catalogue: {msgid!r}")

    def do_compile(self, **options: Any) -> None:
        for path in catalogues.compile_all():
            self.stdout.write(str(path))

    def do_check(self, **options: Any) -> None:
        problems = catalogues.check()
        for line in problems.lines:
            self.stderr.write(line)
        if problems:
            raise CommandError(f"{len(problems.lines)} problems in the translation catalogues.")
        self.stdout.write("The translation catalogues are complete.")
