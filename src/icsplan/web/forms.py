"""Forms of the web pages. They only shape and check input; every save goes through a service."""

from __future__ import annotations

import json

from django import forms

from icsplan.core import inputs
from icsplan.core.choices import Sensitivity
from icsplan.errors import Problem, ValidationError
from icsplan.indicators.choices import Direction, Frequency, ValueType
from icsplan.strategies.choices import RiskLevel

SENSITIVITY = forms.RadioSelect(attrs={"class": "radios"})
NARRATIVE = {"goal": "description"}
_REASON_HELP = (f"Kept in the history (at most {inputs.CHANGE_REASON_MAX} characters). Required when you make "
                "SBU text public.")  # the narrative field of each kind; "justification" otherwise


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
    reason = forms.CharField(label="Reason for the change (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX, help_text=_REASON_HELP)

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
    reason = forms.CharField(label="Reason for changing this risk (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX, help_text=_REASON_HELP)

    def values(self) -> dict:
        """The risk fields for the services (the version and the reason are passed apart)."""
        data = dict(self.cleaned_data)
        data.pop("version", None)
        data.pop("reason", None)
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


PROPOSAL_REASON_LABEL = "Reason (the edition is in force: this proposes a revision)"


def proposal_reason(form: forms.Form) -> forms.Form:
    """On the edition in force a form proposes a revision, which needs a reason: required then."""
    field = form.fields["reason"]
    field.required, field.label = True, PROPOSAL_REASON_LABEL
    return form


class NewElementForm(ElementForm):
    """A new framework element: the same fields as ``ElementForm``, without a version to check."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["version"]

    def changes(self) -> dict:
        """The fields for ``create_element``: only those given (empty narratives are left out)."""
        return {k: v for k, v in super().changes().items() if v is not None}


# -- indicators ------------------------------------------------------------------------------------

INDICATOR_FIELDS = ("code", "name", "definition", "unit", "value_type", "direction", "cumulative", "data_source",
                    "collection_method", "frequency", "responsible", "standard_code", "sensitivity")
_OPTIONAL_TEXT = ("definition", "unit", "data_source", "collection_method", "responsible", "standard_code")


class IndicatorForm(forms.Form):
    """An indicator's definition (``indicators.services.create_indicator`` / ``update_indicator``)."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.CharField(max_length=40, help_text="Unique within the edition, e.g. 1.1-A.")
    name = forms.CharField(widget=forms.Textarea(attrs={"rows": 2}))
    definition = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}),
                                 help_text="What is counted, and how.")
    unit = forms.CharField(required=False, max_length=100, help_text="people, percent, USD…")
    value_type = forms.ChoiceField(label="Value type", choices=ValueType.choices)
    direction = forms.ChoiceField(choices=Direction.choices)
    frequency = forms.ChoiceField(label="Reporting frequency", choices=Frequency.choices)
    cumulative = forms.BooleanField(required=False, label="Cumulative: results add up over the periods")
    data_source = forms.CharField(label="Data source", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    collection_method = forms.CharField(label="Collection method", required=False,
                                        widget=forms.Textarea(attrs={"rows": 2}))
    responsible = forms.CharField(label="Responsible section", required=False, max_length=100,
                                  help_text="Section or agency: POL/ECON, USAID, DAO…")
    standard_code = forms.CharField(label="Standard indicator code", required=False, max_length=60,
                                    help_text="e.g. an SDG or F indicator code.")
    sensitivity = forms.ChoiceField(choices=Sensitivity.choices, widget=SENSITIVITY, initial="public")
    reason = forms.CharField(label="Reason for the change (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX, help_text=_REASON_HELP)

    @classmethod
    def initial_for(cls, indicator) -> dict:
        data = {name: getattr(indicator, name) for name in INDICATOR_FIELDS}
        data.update({name: data[name] or "" for name in _OPTIONAL_TEXT})
        data["version"] = indicator.version
        return data

    def values(self) -> dict:
        """The indicator fields for the services."""
        data = self.cleaned_data
        out = {name: data[name] for name in INDICATOR_FIELDS}
        out["code"], out["name"] = data["code"].strip(), data["name"].strip()
        for name in _OPTIONAL_TEXT:
            out[name] = (data[name] or "").strip() or None
        return out

    def field_for(self, model_field: str) -> str | None:
        return model_field if model_field in self.fields else None


class BaselineForm(forms.Form):
    """An indicator's baseline (``set_baseline``), with the version read (0: none yet)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0,
                                 error_messages={"required": "The page is out of date; reload it and enter again."})
    value = forms.CharField(label="Baseline value", required=False, max_length=200)
    date = forms.DateField(label="Measured on", required=False, widget=forms.DateInput(attrs={"type": "date"}))
    note = forms.CharField(label="Note", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    reason = forms.CharField(label="Reason for the change (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX)

    def changes(self) -> dict:
        """The baseline as a proposed change (``baseline`` ``update``): the date as YYYY-MM-DD."""
        data = self.cleaned_data
        return {"value": data["value"].strip() or None, "date": data["date"].isoformat() if data["date"] else None,
                "note": data["note"].strip() or None}

    def field_for(self, model_field: str) -> str | None:
        return "value" if model_field in ("baseline", "value") else (model_field if model_field in self.fields else None)


class TargetsForm(forms.Form):
    """One target field per period (named by the period id) and the version each was read at."""

    reason = forms.CharField(label="Reason for the change (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX)

    def __init__(self, *args, periods: list[str], current: dict, unit: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.periods = periods
        self.current = current  # period -> Target (or absent)
        for period in periods:
            target = current.get(period)
            self.fields[period] = forms.CharField(label=f"Target {period}", required=False, max_length=2000,
                                                  initial=(target.value or "") if target else "")
            self.fields[f"v-{period}"] = forms.IntegerField(widget=forms.HiddenInput, required=False,
                                                            initial=target.version if target else None)

    def rows(self):
        """(period, value field, version field, current target) for the template."""
        return [(p, self[p], self[f"v-{p}"], self.current.get(p)) for p in self.periods]

    def changed_rows(self) -> tuple[dict, dict]:
        """({period: new value}, {period: version read}) of the rows whose value differs from the saved one."""
        values, versions = {}, {}
        for period in self.periods:
            if self.add_prefix(period) not in self.data:
                continue  # a row the form did not send is left alone, never cleared
            new = (self.cleaned_data.get(period) or "").strip()
            target = self.current.get(period)
            if new != ((target.value or "") if target else ""):
                values[period] = new
                versions[period] = self.cleaned_data.get(f"v-{period}")
        return values, versions

    def field_for(self, model_field: str) -> str | None:
        return model_field if model_field in self.fields else None


class DisaggregationForm(forms.Form):
    """A breakdown of an indicator (``define_disaggregation``): a category and its values."""

    category = forms.CharField(max_length=60, help_text="sex, age band, region… (an existing name redefines it)")
    values = forms.CharField(label="Values", max_length=2000, help_text="Separated by commas: female, male.")
    exhaustive = forms.BooleanField(label="The values add up to the total", required=False, initial=True)
    # The breakdowns the page showed, {category: version} as JSON: redefining one changed (or
    # defined) meanwhile is then a conflict. A page without it knows of none.
    read = forms.CharField(widget=forms.HiddenInput, required=False, max_length=20_000)
    reason = forms.CharField(label="Reason for the change (optional)", required=False,
                             max_length=inputs.CHANGE_REASON_MAX)

    @staticmethod
    def read_value(breakdowns) -> str:
        """The ``read`` field's value for the breakdowns shown."""
        return json.dumps({d.category: d.version for d in breakdowns})

    def category_name(self) -> str:
        """The category typed, as the service names it (as typed when it is refused: the service says why)."""
        try:
            return inputs.normalize_identifier(self.cleaned_data["category"], field="category", required=False)
        except ValidationError:
            return self.cleaned_data["category"]

    def changes(self) -> dict:
        """The breakdown as a proposed change (``disaggregation`` ``update``)."""
        return {"category": self.category_name(), "values": self.value_list(),
                "exhaustive": self.cleaned_data["exhaustive"]}

    def expected_version(self) -> int:
        """The version the page showed of the category typed (0 when it showed none)."""
        try:
            read = json.loads(self.cleaned_data.get("read") or "{}")
            category = self.category_name()
            version = read.get(category, 0) if isinstance(read, dict) else 0
            return version if isinstance(version, int) and not isinstance(version, bool) else 0
        except (ValueError, ValidationError):
            return 0

    def value_list(self) -> list[str]:
        return [v.strip() for v in self.cleaned_data["values"].split(",") if v.strip()]

    def field_for(self, model_field: str) -> str | None:
        return model_field if model_field in self.fields else None
