"""The fast widget renderer writes exactly the markup of Django's widget templates."""

from __future__ import annotations

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates

from icsplan.web.views.results import ResultForm
from icsplan.web.widgets import FAST_RENDERER


class EveryInput(forms.Form):
    text = forms.CharField(max_length=20, help_text="Help <b>text</b>", initial='a "quoted" <value> & more')
    number = forms.FloatField(required=False, initial=1.5)
    url = forms.URLField(required=False, assume_scheme="https")
    email = forms.EmailField(disabled=True, initial="x@example.org")
    hidden = forms.CharField(widget=forms.HiddenInput, initial="h&<")
    note = forms.CharField(widget=forms.Textarea(attrs={"rows": 2, "data-x": True, "data-off": False}),
                           initial="line one\n<script>two</script>")
    empty_note = forms.CharField(widget=forms.Textarea, required=False)
    date = forms.DateField(required=False)
    choice = forms.ChoiceField(choices=[("a", "A"), ("b", "B <c>")])  # left to Django's templates
    tick = forms.BooleanField(required=False)


def _widgets(form) -> list[str]:
    return [str(field) for field in form]


@pytest.mark.parametrize("data", [None, {"text": "", "number": "x", "url": "not a url", "note": "<i>", "hidden": ""}])
def test_fast_renderer_writes_the_same_markup_as_django(data):
    slow = EveryInput(data, renderer=DjangoTemplates())
    fast = EveryInput(data, renderer=FAST_RENDERER)
    if data is not None:
        assert not fast.is_valid() and not slow.is_valid()
    assert _widgets(fast) == _widgets(slow)


def test_the_result_form_renders_as_before():
    initial = {"period": "FY2024", "version": 3, "value": "12 & <13>", "comment": 'said "so"'}
    for data in (None, {"i1-period": "FY2024", "i1-version": "", "i1-value": "x" * 300, "i1-evidence_url": "nope"}):
        fast = ResultForm(data, prefix="i1", initial=initial)
        slow = ResultForm(data, prefix="i1", initial=initial, renderer=DjangoTemplates())
        assert fast.renderer is FAST_RENDERER
        assert _widgets(fast) == _widgets(slow)
