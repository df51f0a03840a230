"""Administration in the browser: people and their roles, API tokens, and who reports on what.

Administrators manage people, memberships and tokens (``/people/``); the editors of a mission
(and administrators) assign its reporters (``/missions/<slug>/reporters/``). Every change goes
through ``accounts.services`` (checked against the actor, audited); a refusal is shown as the
service's sentence above the form.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from icsplan.accounts import services as accounts
from icsplan.accounts.models import ApiToken, Bureau, Mission
from icsplan.accounts.permissions import restrict
from icsplan.accounts.roles import Role
from icsplan.errors import IcsplanError, NotFoundError
from icsplan.strategies import models as sm
from icsplan.web import access
from icsplan.web.errors import page

from .common import mission_context

ROLE_FIELD_CHOICES = [("", "— no role yet —")] + [(r.value, r.value.title()) for r in Role]


class RoleForm(forms.Form):
    """A role: per mission (viewer … approver), per bureau (analyst) or everywhere (admin).
    Which scope a role needs is the service's rule; the form only offers the choices."""

    role = forms.ChoiceField(choices=ROLE_FIELD_CHOICES[1:])
    mission = forms.ModelChoiceField(queryset=Mission.objects.order_by("country"), required=False,
                                     empty_label="— no mission —", help_text="For viewer, reader, reporter, "
                                     "editor and approver.")
    bureau = forms.ModelChoiceField(queryset=Bureau.objects.order_by("code"), required=False,
                                    empty_label="— no bureau —", help_text="For a bureau analyst.")


class PersonForm(RoleForm):
    """A new person, with a first role."""

    username = forms.CharField(label="User name", max_length=150)
    email = forms.EmailField(required=False)
    password = forms.CharField(required=False, widget=forms.PasswordInput(render_value=False),
                               help_text="Leave empty to create the account without sign-in for now.")
    role = forms.ChoiceField(choices=ROLE_FIELD_CHOICES, required=False)
    field_order = ["username", "email", "password", "role", "mission", "bureau"]


class TokenForm(forms.Form):
    """A personal API token: its scope, an optional mission and the days until it expires."""

    name = forms.CharField(label="Label", max_length=100, required=False)
    scope = forms.ChoiceField(choices=ApiToken.SCOPE_CHOICES, initial=ApiToken.SCOPE_READ)
    mission = forms.ModelChoiceField(queryset=Mission.objects.order_by("country"), required=False,
                                     empty_label="— every mission of the person —")
    days = forms.IntegerField(label="Expires after (days)", min_value=1, max_value=366, initial=90)


def _refusal(request, exc: IcsplanError, what: str) -> None:
    messages.error(request, f"{what} not done: {exc.message}")


def _form_errors(form: forms.Form) -> str:
    return " ".join(f"{form.fields[name].label or name.title() if name in form.fields else ''} {e}".strip()
                    if name != "__all__" else str(e) for name, errs in form.errors.items() for e in errs)


@page
def people(request: HttpRequest) -> HttpResponse:
    """The list of people and their roles; the form that adds a person (administrators)."""
    rows = access.people_for(request.user)
    form = PersonForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                person = accounts.create_user(
                    data["username"], password=data["password"] or None, email=data["email"] or "",
                    role=data["role"] or None, mission=data["mission"], bureau=data["bureau"], actor=request.user)
            except IcsplanError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, f"{person.get_username()} added.")
                return redirect("web:person", pk=person.pk)
        messages.error(request, f"Not added: {_form_errors(form)}")
    return render(request, "web/people.html", {"people": rows, "form": form, "tab": "people"},
                  status=422 if form.errors else 200)


@page
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """One person: roles (add, remove), reporter assignments and API tokens (issue, revoke)."""
    row = access.person_for(request.user, pk)
    role_form = RoleForm(request.POST or None, prefix="r")
    if request.method == "POST":
        if role_form.is_valid():
            data = role_form.cleaned_data
            try:
                accounts.add_membership(row, data["role"], mission=data["mission"], bureau=data["bureau"],
                                        actor=request.user)
            except IcsplanError as exc:
                _refusal(request, exc, "Role")
            else:
                scope = data["mission"] or data["bureau"] or "every mission"
                messages.success(request, f"{row.get_username()} is now {data['role']} ({scope}).")
        else:
            messages.error(request, f"Role not added: {_form_errors(role_form)}")
        return redirect("web:person", pk=row.pk)
    return _person_page(request, row, role_form=role_form)


def _person_page(request, row, *, role_form=None, token_form=None, new_token: str = "", status: int = 200):
    tokens = ApiToken.objects.filter(user=row).select_related("mission").order_by("-created_at")
    return render(request, "web/person.html", {
        "person": row, "memberships": list(row.memberships.all()), "tokens": tokens,
        "role_form": role_form or RoleForm(prefix="r"), "token_form": token_form or TokenForm(prefix="t"),
        "new_token": new_token, "tab": "people",
    }, status=status)


@page
def membership_remove(request: HttpRequest, pk: int) -> HttpResponse:
    """Withdraw one role (POST only)."""
    membership = access.membership_for(request.user, pk)
    back = reverse("web:person", args=[membership.user_id])
    if request.method != "POST":
        return redirect(back)
    try:
        accounts.remove_membership(membership, actor=request.user)
    except IcsplanError as exc:
        _refusal(request, exc, "Removal")
    else:
        messages.success(request, f"Role {membership.role} withdrawn from {membership.user.get_username()}.")
    return redirect(back)


@page
def token_issue(request: HttpRequest, pk: int) -> HttpResponse:
    """Issue a token for a person (POST): the page shows the secret once, never again."""
    row = access.person_for(request.user, pk)
    if request.method != "POST":
        return redirect("web:person", pk=row.pk)
    form = TokenForm(request.POST, prefix="t")
    if not form.is_valid():
        messages.error(request, f"No token issued: {_form_errors(form)}")
        return _person_page(request, row, token_form=form, status=422)
    data = form.cleaned_data
    try:
        token, plaintext = accounts.create_token(row, scope=data["scope"], mission=data["mission"],
                                                 expires_in_days=data["days"], name=data["name"], actor=request.user)
    except IcsplanError as exc:
        _refusal(request, exc, "Token")
        return _person_page(request, row, token_form=form, status=422)
    response = _person_page(request, row, new_token=plaintext)
    response["Cache-Control"] = "private, no-store"  # the secret must not stay in any cache
    return response


@page
def token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """Revoke a token (POST only): administrators any, others their own."""
    from icsplan.accounts.permissions import is_admin

    token = access.token_for(request.user, pk)
    back = reverse("web:person", args=[token.user_id]) if is_admin(request.user) else reverse("web:home")
    if request.method != "POST":
        return redirect(back)
    try:
        accounts.revoke_token(token, actor=request.user)
    except IcsplanError as exc:
        _refusal(request, exc, "Revocation")
    else:
        messages.success(request, f"Token {token.prefix}… revoked: it no longer opens the API.")
    return redirect(back)


# -- reporter assignments (editors of the mission, administrators) -------------------------------

def _targets(user, strategy) -> list[tuple[str, str]]:
    """Choices for an assignment: the objectives, sub-objectives and management objectives of the
    edition in force, in outline order, each followed by its own indicators (a reporter may be
    given a single indicator)."""
    out: list[tuple[str, str]] = []
    if strategy is None:
        return out
    subs = list(restrict(sm.SubObjective.objects.filter(strategy=strategy), user, "edit").order_by("number"))
    indicators = list(access.assignable_indicators(user, strategy))

    def own(field: str, pk: int, dashes: str) -> list[tuple[str, str]]:
        return [(f"indicator:{i.pk}", f"{dashes} Indicator {i.code} {i.name}"[:120])
                for i in indicators if getattr(i, field) == pk]

    def element(label: str, key: str, row) -> None:
        parent_field = f"{key.replace('-', '_')}_id"
        out.append((f"{key}:{row.pk}", f"{label} {row.number} {row.title}"[:120]))
        out.extend(own(parent_field, row.pk, "—"))
        for sub in subs:
            if getattr(sub, parent_field) == row.pk:
                out.append((f"sub-objective:{sub.pk}", f"— Sub-objective {sub.number} {sub.title}"[:120]))
                out.extend(own("sub_objective_id", sub.pk, "——"))

    for objective in restrict(sm.Objective.objects.filter(strategy=strategy), user, "edit").order_by("number"):
        element("Objective", "objective", objective)
    for mo in restrict(sm.ManagementObjective.objects.filter(strategy=strategy), user, "edit").order_by("number"):
        element("Management objective", "management-objective", mo)
    # Goal-level indicators hang from no objective: offered last, on their own.
    out += [(f"indicator:{i.pk}", f"Indicator {i.code} {i.name}"[:120]) for i in indicators if i.goal_id]
    return out


class AssignmentForm(forms.Form):
    """What a reporter reports on: one element, or every indicator of a section or agency."""

    membership = forms.TypedChoiceField(label="Reporter", coerce=int)
    target = forms.ChoiceField(label="Objective, sub-objective or indicator", required=False,
                               help_text="An objective covers its sub-objectives and their indicators; an "
                                         "indicator covers that indicator only.")
    section = forms.CharField(label="…or a section or agency", max_length=100, required=False,
                              help_text="Every indicator whose responsible section is this, e.g. POL/ECON or USAID.")

    def __init__(self, *args, reporters=(), targets=(), **kwargs):
        super().__init__(*args, **kwargs)
        membership_field = self.fields["membership"]
        target_field = self.fields["target"]
        assert isinstance(membership_field, forms.ChoiceField) and isinstance(target_field, forms.ChoiceField)
        membership_field.choices = [(m.pk, m.user.get_username()) for m in reporters]
        target_field.choices = [("", "— none —"), *targets]


@page
def reporters(request: HttpRequest, slug: str) -> HttpResponse:
    """The mission's reporters and what each reports on; the form that assigns one more."""
    mission = access.mission_for(request.user, slug, "edit")
    try:
        strategy = access.strategy_for(request.user, mission, None, "edit")
    except NotFoundError:
        strategy = None
    memberships = list(access.reporter_memberships(request.user, mission))
    form = AssignmentForm(request.POST or None, reporters=memberships, targets=_targets(request.user, strategy))
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            membership = next(m for m in memberships if m.pk == data["membership"])
            element: dict = {}
            if data["target"] and strategy is not None:
                # The choice was offered from the edition in force; look it up again through the
                # permission layer rather than trusting the posted id.
                kind, _, pk = data["target"].partition(":")
                if kind == "indicator":
                    element["indicator"] = access.assignable_indicator(request.user, strategy, int(pk))
                else:
                    element[kind.replace("-", "_")] = access.element_for(request.user, strategy, kind, int(pk),
                                                                         "edit")
            try:
                accounts.assign_reporter(membership, responsible_section=data["section"], actor=request.user,
                                         **element)
            except IcsplanError as exc:
                _refusal(request, exc, "Assignment")
            else:
                what = data["section"] or next(str(e) for e in element.values())
                messages.success(request, f"{membership.user.get_username()} now reports on {what}.")
                return redirect("web:reporters", slug=mission.slug)
        else:
            messages.error(request, f"Not assigned: {_form_errors(form)}")
        return redirect("web:reporters", slug=mission.slug)
    context = mission_context(request, mission, strategy, tab="reporters")
    context.update({"memberships": memberships, "form": form})
    return render(request, "web/reporters.html", context)


@page
def assignment_remove(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    """Withdraw one assignment (POST only)."""
    mission = access.mission_for(request.user, slug, "edit")
    assignment = access.assignment_for(request.user, mission, pk)
    if request.method != "POST":
        return redirect("web:reporters", slug=mission.slug)
    try:
        accounts.remove_assignment(assignment, actor=request.user)
    except IcsplanError as exc:
        _refusal(request, exc, "Removal")
    else:
        messages.success(request, f"{assignment.membership.user.get_username()} no longer reports on "
                                  f"{assignment.target}.")
    return redirect("web:reporters", slug=mission.slug)
