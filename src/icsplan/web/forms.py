"""Forms of the web pages. They only shape and check input; every save goes through a service."""

from __future__ import annotations

from django import forms

from icsplan.core.choices import Sensitivity
from icsplan.errors import Problem, ValidationError
from icsplan.strategies.choices import RiskLevel

SENSITIVITY = forms.RadioSelect(attrs={"class": "radios"})
NARRATIVE = {"goal": "description"}  # the narrative field of each kind; "justification" otherwise


def narrative_field(kind: str) -> str:
    return NARRATIVE.get(kind, "justification")


class ElementForm(forms.Form):
    """A framework element: numbering, titles, narratives with their sensitivity."""

    version = forms.IntegerField(widget=forms.HiddenInput)
    number = forms.CharField(max_length=20, help_text="As written in the strategy: 1, 1.2, 1.2.1")
    title = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    framework_title = forms.CharField(
        label="Framework wording", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="The wording in section 2 (Mission Strategic Framework), when it differs from the title.",
    )
    narrative = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 10}))
    narrative_sensitivity = forms.ChoiceField(choices=Sensitivity.choices, widget=SENSITIVITY, label="Narrative sensitivity")
    linkages_text = forms.CharField(label="Linkages narrative", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    linkages_text_sensitivity = forms.ChoiceField(choices=Sensitivity.choices, widget=SENSITIVITY,
                                                  label="Linkages sensitivity")
    reason = forms.CharField(label="Reason for the change (optional)", required=False, max_length=200)

    def __init__(self, *args, kind: str = "objective", **kwargs):
        super().__init__(*args, **kwargs)
        self.kind = kind
        label = "Description and linkages" if kind == "goal" else "Justification"
        self.fields["narrative"].label = label
        self.fields["narrative_sensitivity"].label = f"{label} sensitivity"

    @classmethod
    def initial_for(cls, kind: str, row) -> dict:
        name = narrative_field(kind)
        return {
            "version": row.version, "number": row.number, "title": row.title,
            "framework_title": row.framework_title or "", "narrative": getattr(row, name) or "",
            "narrative_sensitivity": getattr(row, f"{name}_sensitivity"),
            "linkages_text": row.linkages_text or "", "linkages_text_sensitivity": row.linkages_text_sensitivity,
        }

    def changes(self) -> dict:
        """The model field changes for ``update_element``."""
        data = self.cleaned_data
        name = narrative_field(self.kind)
        return {
            "number": data["number"].strip(), "title": data["title"].strip(),
            "framework_title": data["framework_title"].strip() or None,
            name: data["narrative"].strip() or None, f"{name}_sensitivity": data["narrative_sensitivity"],
            "linkages_text": data["linkages_text"].strip() or None,
            "linkages_text_sensitivity": data["linkages_text_sensitivity"],
        }

    def field_for(self, model_field: str) -> str | None:
        """The form field that shows a model field (to put a service's message next to it)."""
        if model_field in self.fields:
            return model_field
        if model_field in ("description", "justification"):
            return "narrative"
        if model_field in ("description_sensitivity", "justification_sensitivity"):
            return "narrative_sensitivity"
        return None


class LinkageForm(forms.Form):
    tag = forms.CharField(label="Linkage", max_length=100,
                          help_text='A framework item, e.g. "CDCS DO2", "NSS Pillar 1", "SDG 4".')


class RiskForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    statement = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}))
    likelihood = forms.ChoiceField(choices=[("", "—")] + list(RiskLevel.choices), required=False)
    impact = forms.ChoiceField(choices=[("", "—")] + list(RiskLevel.choices), required=False)
    mitigation = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))
    owner = forms.CharField(required=False, max_length=100, help_text="Section or agency: POL/ECON, USAID, DAO…")
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, widget=SENSITIVITY, initial="public")

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data.pop("version", None)
        for key in ("likelihood", "impact", "mitigation", "owner"):
            data[key] = (data.get(key) or "").strip() or None
        data["statement"] = data["statement"].strip()
        return data


def apply_problems(form: forms.Form, exc: ValidationError, field_for=None) -> None:
    """Put each problem of a service's ValidationError next to its field (or at the top)."""
    for problem in exc.problems:
        problem = problem if isinstance(problem, Problem) else Problem(str(problem))
        name = problem.where.field
        target = (field_for(name) if field_for and name else name) if name else None
        if target not in form.fields:
            target = None
        form.add_error(target, problem.message)
