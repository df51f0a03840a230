"""Forms of the portfolio pages: they check shape only; the services validate."""

from __future__ import annotations

from django import forms


class DashboardFilterForm(forms.Form):
    """The bureau dashboard's filters (all optional)."""

    theme = forms.CharField(required=False, max_length=100, label="Theme",
                            help_text="A word in goal or objective titles, e.g. security")
    framework = forms.CharField(required=False, max_length=100, label="Framework linkage",
                                help_text="A framework (JRS) or one of its items (SDG 4)")
    period = forms.RegexField(required=False, regex=r"^FY\d{4}([HQ]\d)?$", max_length=10, label="Period")


class MissionMetadataForm(forms.Form):
    """A mission's bureau, post and region (admins)."""

    bureau = forms.CharField(required=False, max_length=10, label="Bureau code",
                             help_text="AF, EAP, EUR, NEA, SCA or WHA; empty for none")
    post = forms.CharField(required=False, max_length=200, label="Post", help_text="e.g. Embassy Bamako")
    region = forms.CharField(required=False, max_length=100, label="Region", help_text="e.g. Sahel")


class SearchForm(forms.Form):
    """The search page's query and filters."""

    q = forms.CharField(max_length=200, min_length=2, label="Search", required=False)
    kind = forms.ChoiceField(required=False, label="Kind", choices=[
        ("", "Everything"), ("strategy", "Strategies"), ("goal", "Goals"), ("objective", "Objectives"),
        ("sub_objective", "Sub-objectives"), ("management_objective", "Management objectives"),
        ("risk", "Risks"), ("indicator", "Indicators")])
    mission = forms.TypedChoiceField(required=False, coerce=int, empty_value=None, label="Mission")
    bureau = forms.CharField(required=False, max_length=10, label="Bureau")

    def __init__(self, *args, missions=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["mission"].choices = [("", "All missions")] + [(m.pk, m.country) for m in missions]


class CatalogueForm(forms.Form):
    """One version of a framework's catalogue, as a CSV or JSON file (admins)."""

    version = forms.CharField(max_length=40, label="Version", help_text="e.g. 2022 or AF-2022")
    file = forms.FileField(label="Catalogue (CSV or JSON)",
                           help_text="Columns or keys: code, title, description (optional)")
