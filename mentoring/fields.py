"""``EncryptedTextField``: what a pair writes in their own words, unreadable at rest.

The value is encrypted with the note keys (mentoring.crypto) when it is written to the database, by ``save()``,
``bulk_create``, ``bulk_update`` and ``QuerySet.update`` alike, and decrypted when a row is loaded, so the rest of
the code reads and writes plain strings. Who may see the text is still decided where it always was (the scoped
querysets, selectors and templates); encryption only keeps it out of database dumps and backups.

What this costs, and how the field makes it visible:
- The database cannot compare, search or sort the text any more (every token differs, even for equal texts).
  Lookups other than ``isnull`` and ``exact`` with the empty string raise ``FieldError`` instead of silently
  matching nothing.
- The stored token is longer than the text: the column is always ``text``; ``max_length`` limits the plain text
  (form fields and ``full_clean``), never the column.
- An empty value is stored empty (that a session has no summary is metadata, not content).
- A token no configured key opens loads as a notice (``Unreadable``) and, if the row is saved again unchanged,
  keeps its token rather than overwriting the lost text with the notice.

``encrypted_fields()`` lists every such field of every model: ``rotate_note_keys`` re-encrypts them all, and the
tests check that no free-text field of a mentoring model escapes it.
"""

from __future__ import annotations

from django.apps import apps
from django.core import validators
from django.core.exceptions import FieldError
from django.db import models, transaction
from django.db.models.lookups import Exact
from django.utils.functional import cached_property

from core.single_line import SingleLineFormField, validate_single_line

from . import crypto

UNREADABLE_NOTICE = "(This text cannot be read: it was encrypted with a key this installation no longer has.)"


class Unreadable(str):
    """The notice shown in place of text no configured key opens; saving it back stores the original token."""

    token: str

    def __new__(cls, token: str) -> Unreadable:
        value = super().__new__(cls, UNREADABLE_NOTICE)
        value.token = token
        return value


class _EmptyExact(Exact):
    """``field=""`` (or ``exclude(field="")``): the only comparison an encrypted column can answer."""

    def get_prep_lookup(self):
        if self.rhs != "":
            raise FieldError(
                f"{self.lhs.target.model.__name__}.{self.lhs.target.name} is encrypted: the database can only tell "
                "whether it is empty. Filter in Python after loading, or filter on another field."
            )
        return super().get_prep_lookup()


class EncryptedTextField(models.TextField):
    """A text column holding a Fernet token of the value; see the module's docstring.

    ``single_line=True`` renders a one-line input in model forms (a goal's title), a textarea otherwise.
    """

    description = "Text encrypted at rest with the note keys"

    def __init__(self, *args, single_line: bool = False, **kwargs) -> None:
        self.single_line = single_line
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.single_line:
            kwargs["single_line"] = True
        return name, path, args, kwargs

    @cached_property
    def validators(self) -> list:
        # The plain text's length, checked by full_clean (TextField alone leaves max_length to forms).
        extra = [validators.MaxLengthValidator(self.max_length)] if self.max_length is not None else []
        if self.single_line:  # one line, as SingleLineCharField: a line break would break an email's subject
            extra.append(validate_single_line)
        return [*self.default_validators, *self._validators, *extra]

    def get_lookup(self, lookup_name: str):
        if lookup_name == "exact":
            return _EmptyExact
        if lookup_name == "isnull":
            return super().get_lookup(lookup_name)
        return None  # "Unsupported lookup ... for EncryptedTextField": see the module's docstring

    def get_transform(self, lookup_name: str):
        return None

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        text = crypto.decrypt_or_none(value)
        return Unreadable(value) if text is None else text

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.token
        value = super().get_prep_value(value)
        if not value:
            return value
        return crypto.encrypt(value)

    def formfield(self, **kwargs):
        if self.single_line:
            # Field.formfield: a CharField with a one-line input, limited to max_length.
            return super(models.TextField, self).formfield(
                **{"max_length": self.max_length, "form_class": SingleLineFormField, **kwargs}
            )
        return super().formfield(**kwargs)


def encrypted_fields() -> dict[type[models.Model], list[str]]:
    """Every model with encrypted fields, and their names, in a stable order."""
    found: dict[type[models.Model], list[str]] = {}
    for model in apps.get_models():
        names = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found[model] = names
    return dict(sorted(found.items(), key=lambda item: item[0]._meta.label))


def encrypted_fields_rotate(*, batch_size: int = 500) -> tuple[int, int]:
    """Re-encrypt every encrypted field of every row with the current first key.

    Returns (rows rewritten, values no configured key opens: left as they are). Loading decrypts with any key
    and saving encrypts with the first, so a rotation is a load and a ``bulk_update`` per batch, in primary key
    order so that rows written meanwhile are new ones, already under the first key.
    """
    rows = unreadable = 0
    for model, names in encrypted_fields().items():
        manager = model._base_manager
        last_pk = None
        while True:
            with transaction.atomic():
                batch = manager.select_for_update().only("pk", *names).order_by("pk")
                if last_pk is not None:
                    batch = batch.filter(pk__gt=last_pk)
                batch = list(batch[:batch_size])
                if not batch:
                    break
                manager.bulk_update(batch, names)
            rows += len(batch)
            unreadable += sum(isinstance(getattr(obj, name), Unreadable) for obj in batch for name in names)
            last_pk = batch[-1].pk
    return rows, unreadable
