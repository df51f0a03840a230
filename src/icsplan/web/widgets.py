"""A form renderer that writes the plain input widgets in Python instead of through a template.

Django renders every widget through its template engine (``django/forms/widgets/input.html``,
which includes ``attrs.html``): about a millisecond of CPU per field. The results entry page
shows a page of forms with six or seven fields each, so those templates were most of the cost
of a form. ``FastWidgetRenderer`` writes the same markup as Django's templates for the widgets
that are one ``<input>`` or a ``<textarea>`` (the comparison is a test), and leaves every other
template (selects, radios, checkboxes, the form and field layouts) to Django.
"""

from __future__ import annotations

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

#: the widget templates that are a single ``<input>`` (Django's ``input.html`` + ``attrs.html``)
INPUT_TEMPLATES = frozenset(f"django/forms/widgets/{name}.html" for name in (
    "input", "text", "number", "email", "url", "password", "hidden", "search", "tel", "color", "date",
    "datetime", "time"))
TEXTAREA_TEMPLATE = "django/forms/widgets/textarea.html"


def _attrs(attrs: dict) -> str:
    """``attrs.html``: `` name="value"`` for each attribute, the bare name for True, none for False."""
    out = []
    for name, value in attrs.items():
        if value is False:
            continue
        out.append(f" {conditional_escape(name)}" if value is True
                   else f' {conditional_escape(name)}="{conditional_escape(str(value))}"')
    return "".join(out)


class FastWidgetRenderer(DjangoTemplates):
    """Django's default renderer, with inputs and text areas written directly (same markup)."""

    def render(self, template_name, context, request=None):
        widget = context.get("widget") if isinstance(context, dict) else None
        if widget is not None and template_name in INPUT_TEMPLATES:
            value = widget["value"]
            shown = "" if value is None else format_html(' value="{}"', str(value))
            return mark_safe(format_html('<input type="{}" name="{}"', widget["type"], widget["name"])
                             + shown + _attrs(widget["attrs"]) + ">")
        if widget is not None and template_name == TEXTAREA_TEMPLATE:
            value = widget["value"]
            return mark_safe(format_html('<textarea name="{}"', widget["name"]) + _attrs(widget["attrs"]) + ">\n"
                             + (conditional_escape(value) if value else "") + "</textarea>")
        return super().render(template_name, context, request=request)


#: one instance, as Django keeps one of its default renderer
FAST_RENDERER = FastWidgetRenderer()
