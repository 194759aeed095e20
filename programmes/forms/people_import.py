from __future__ import annotations

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.single_line import SingleLineFormField

from ..models import PeopleImportMapping
from ..services.people_import_mapping import DATE_FORMATS, FIELDS


class PeopleImportForm(forms.Form):
    # Empty files are let through so that the service answers with its own, clearer message.
    file = forms.FileField(
        label=gettext_lazy("CSV file from your HR system"),
        allow_empty_file=True,
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
        help_text=gettext_lazy("CSV, UTF-8 (with or without BOM), at most 5 MB and 10,000 people."),
    )


class HrSampleForm(PeopleImportForm):
    """A sample of the nightly HR file, to map its columns from its header."""


def _values(text: str) -> list[str]:
    return [v.strip() for v in text.split(",") if v.strip()]


class PeopleImportMappingForm(forms.Form):
    """For each Tandem field, the file's column that holds it (or none), from the file's own header."""

    status_active = SingleLineFormField(
        label=gettext_lazy("Status values meaning active"),
        required=False,
        help_text=gettext_lazy("Separated by commas, e.g. Active, Leave of absence. Empty: Tandem's usual words."),
    )
    status_left = SingleLineFormField(
        label=gettext_lazy("Status values meaning the person has left"),
        required=False,
        help_text=gettext_lazy(
            "Separated by commas, e.g. Terminated. Someone with such a value is deactivated (not created)."
        ),
    )
    date_format = forms.ChoiceField(label=gettext_lazy("Start date format"), choices=list(DATE_FORMATS.items()))
    create_teams = forms.BooleanField(
        label=gettext_lazy("Create teams the file names that Tandem does not have yet"),
        required=False,
        help_text=gettext_lazy(
            "Each part of a path (Engineering/Platform, Operations > Support) under the one before it: the "
            "first a department, the others teams. Off: a row naming such a team is an error."
        ),
    )

    def __init__(self, *args, header: list[str], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", gettext_lazy("— not in the file —"))] + [(h, h) for h in header if h]
        columns = {}
        for name, label in FIELDS.items():
            columns[f"column_{name}"] = forms.ChoiceField(label=label, choices=choices, required=False)
        self.fields = {**columns, **self.fields}

    @classmethod
    def initial_from(
        cls, columns: dict[str, str], active: list[str], left: list[str], date_format: str, create_teams: bool = True
    ) -> dict:
        initial = {f"column_{name}": heading for name, heading in columns.items()}
        return {
            **initial,
            "status_active": ", ".join(active),
            "status_left": ", ".join(left),
            "date_format": date_format,
            "create_teams": create_teams,
        }

    def mapping(self, purpose: str) -> PeopleImportMapping:
        data = self.cleaned_data
        return PeopleImportMapping(
            purpose=purpose,
            columns={name: data[f"column_{name}"] for name in FIELDS if data.get(f"column_{name}")},
            status_active=_values(data["status_active"]),
            status_left=_values(data["status_left"]),
            date_format=data["date_format"],
            create_teams=data["create_teams"],
        )


class HrSyncSettingsForm(forms.ModelForm):
    sync_folder = SingleLineFormField(label=gettext_lazy("Folder"), max_length=500, required=False)
    sync_pattern = SingleLineFormField(label=gettext_lazy("File name pattern"), max_length=100)

    class Meta:
        model = PeopleImportMapping
        fields = ["sync_enabled", "sync_folder", "sync_pattern", "max_leavers_percent", "max_manager_changes_percent"]
        help_texts = {
            "sync_folder": gettext_lazy(
                "A folder under the server's HR file root (TANDEM_HR_SYNC_ROOT); empty: the root itself."
            ),
            "sync_pattern": gettext_lazy("The newest file matching it is read, e.g. people-*.csv."),
        }

    def clean_max_leavers_percent(self) -> int:
        return _percent(self.cleaned_data["max_leavers_percent"])

    def clean_max_manager_changes_percent(self) -> int:
        return _percent(self.cleaned_data["max_manager_changes_percent"])


def _percent(value: int) -> int:
    if value > 100:
        raise forms.ValidationError(_("A share from 0 to 100 %."))
    return value
