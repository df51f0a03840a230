"""Every change to people, memberships, reporter assignments and API tokens, and sign-in.

Each function takes ``*, actor``: the person asking (checked against the permission layer) or
``None`` for the trusted local operator (the CLI). Each change is recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from icsplan.errors import InputError, NotFoundError, PermissionDenied

from .actors import is_system, require_actor
from .models import ApiToken, Bureau, Membership, Mission, ReporterAssignment
from .permissions import attach_token, is_admin
from .roles import Role
from .throttle import SignInThrottled  # noqa: F401 (raised by authenticate_with_throttle)

# -- sign-in -----------------------------------------------------------------------------------------

def authenticate_with_throttle(request, username: str, password: str):
    """The user for these credentials, ``None`` when they are wrong, or ``SignInThrottled`` after
    too many failures (see :mod:`icsplan.accounts.throttle` for the limits).

    The throttle sits in the authentication backend, so Django's admin sign-in and any other caller
    of ``authenticate`` are held to the same limits. Failures are also recorded as audit events (by
    the ``user_login_failed`` signal) whether or not the account exists; the caller logs the user in
    with ``django.contrib.auth.login``.
    """
    username = (username or "").strip()[:150]
    return authenticate(request, username=username, password=password)


def _require_admin(actor) -> None:
    """Only administrators (and the named system actor of the CLI) manage people and tokens;
    a missing actor is refused rather than trusted."""
    require_actor(actor)
    if not is_system(actor) and not is_admin(actor):
        raise PermissionDenied("Only an administrator may manage people and tokens.")


def _user(actor):
    """The user to record in history rows (None for the system actor)."""
    return None if is_system(actor) else actor


# -- people and memberships --------------------------------------------------------------------------

def find_mission(country_or_slug: str) -> Mission:
    """The mission of a country (case-insensitive) or slug; NotFoundError names what was asked."""
    mission = (Mission.objects.filter(country__iexact=country_or_slug).first()
               or Mission.objects.filter(slug=country_or_slug.lower()).first())
    if mission is None:
        raise NotFoundError(f"No mission named {country_or_slug!r}.")
    return mission


def _find_bureau(code: str) -> Bureau:
    bureau = Bureau.objects.filter(code__iexact=code).first()
    if bureau is None:
        raise NotFoundError(f"No bureau with code {code!r}.")
    return bureau


def add_membership(user, role: str, *, mission: Mission | str | None = None, bureau: Bureau | str | None = None,
                   actor) -> Membership:
    """Give ``user`` a role: per mission (viewer…approver), per bureau (analyst) or everywhere (admin)."""
    from icsplan.core import audit_trail as audit

    _require_admin(actor)
    try:
        role = Role(role)
    except ValueError:
        known = ", ".join(r.value for r in Role)
        raise InputError(f"Unknown role {role!r}; use one of {known}.", code="unknown-role") from None
    if isinstance(mission, str):
        mission = find_mission(mission)
    if isinstance(bureau, str):
        bureau = _find_bureau(bureau)
    if role == Role.ADMIN and (mission or bureau):
        raise InputError("An admin role applies to every mission; give it no mission and no bureau.")
    if role == Role.ANALYST and (bureau is None or mission is not None):
        raise InputError("A bureau analyst needs a bureau (and no mission).")
    if role not in (Role.ADMIN, Role.ANALYST) and (mission is None or bureau is not None):
        raise InputError(f"A {role.value} needs a mission (and no bureau).")
    with transaction.atomic():
        existing = Membership.objects.filter(user=user, role=role.value, mission=mission, bureau=bureau).first()
        if existing is not None:
            return existing
        membership = Membership(user=user, role=role.value, mission=mission, bureau=bureau)
        if _user(actor) is not None:
            membership._history_user = actor
        try:
            membership.save()
        except IntegrityError as exc:
            raise InputError(f"The membership could not be saved: {exc}", code="integrity") from exc
        audit.record("membership.add", actor=actor, obj=membership, mission=mission,
                     after={"user": user.get_username(), "role": role.value,
                            "mission": mission.country if mission else None, "bureau": bureau.code if bureau else None},
                     actor_name=str(actor) if is_system(actor) else None)
    if hasattr(user, "_icsplan_memberships"):
        del user._icsplan_memberships
    return membership


def remove_membership(membership: Membership, *, actor) -> None:
    from icsplan.core import audit_trail as audit

    _require_admin(actor)
    with transaction.atomic():
        before = {"user": membership.user.get_username(), "role": membership.role,
                  "mission": membership.mission.country if membership.mission else None,
                  "bureau": membership.bureau.code if membership.bureau else None}
        audit.record("membership.remove", actor=actor, obj=membership, mission=membership.mission, before=before,
                     actor_name=str(actor) if is_system(actor) else None)
        if _user(actor) is not None:
            membership._history_user = actor
        membership.delete()


def create_user(username: str, *, password: str | None, role: str | None = None, mission=None, bureau=None,
                email: str = "", actor, validate: bool = True):
    """A new person, with a first membership when ``role`` is given. The password is checked
    against the password rules (length, common passwords…) unless ``validate`` is False (demo)."""
    from icsplan.core import audit_trail as audit

    _require_admin(actor)
    username = (username or "").strip()
    User = get_user_model()
    if not username or len(username) > 150:
        raise InputError("A user name of 1 to 150 characters is needed.", code="invalid-username")
    user = User(username=username, email=email)
    if validate and password is not None:
        try:
            user.full_clean(exclude=["password"])
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise InputError(" ".join(exc.messages), code="invalid-password") from exc
    with transaction.atomic():
        if User.objects.filter(username__iexact=username).exists():
            raise InputError(f"A user named {username!r} already exists.", code="user-exists")
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        audit.record("user.create", actor=actor, object_type="auth.user", object_id=user.pk, object_repr=username,
                     actor_name=str(actor) if is_system(actor) else None)
        if role:
            add_membership(user, role, mission=mission, bureau=bureau, actor=actor)
    return user


def list_users() -> list[dict]:
    """Every person with their roles, for ``icsplan users list`` and the admin pages."""
    User = get_user_model()
    out = []
    for user in User.objects.order_by("username").prefetch_related("memberships__mission", "memberships__bureau"):
        roles = []
        for ms in user.memberships.all():
            scope = ms.mission.country if ms.mission else (ms.bureau.code if ms.bureau else "all missions")
            roles.append(f"{ms.role} ({scope})")
        if user.is_superuser:
            roles.append("superuser")
        out.append({"username": user.get_username(), "active": user.is_active, "roles": roles,
                    "last_login": user.last_login})
    return out


def assign_reporter(membership: Membership, *, objective=None, management_objective=None, sub_objective=None,
                    indicator=None, responsible_section: str = "", actor) -> ReporterAssignment:
    """Let a reporter report on one element (and what hangs from it), on one indicator, or on every
    indicator whose responsible section matches ``responsible_section``. Editors and admins may assign."""
    from icsplan.core import audit_trail as audit

    from .permissions import require
    from .roles import Action

    if membership.role != Role.REPORTER.value:
        raise InputError("Only a reporter membership takes assignments.", code="not-a-reporter")
    targets = [t for t in (objective, management_objective, sub_objective, indicator) if t is not None]
    responsible_section = (responsible_section or "").strip()
    if len(targets) + bool(responsible_section) != 1:
        raise InputError("Assign exactly one objective, management objective, sub-objective, indicator or section.")
    for target in targets:
        if target.strategy.mission_id != membership.mission_id:
            raise InputError("The element belongs to another mission than the reporter's.")
    require_actor(actor)
    if not is_system(actor):
        require(actor, Action.EDIT, membership.mission)
    with transaction.atomic():
        row = ReporterAssignment(membership=membership, objective=objective, management_objective=management_objective,
                                 sub_objective=sub_objective, indicator=indicator,
                                 responsible_section=responsible_section[:100])
        if _user(actor) is not None:
            row._history_user = actor
        row.save()
        audit.record("assignment.add", actor=actor, obj=row, mission=membership.mission,
                     after={"user": membership.user.get_username(), "target": str(row.target)},
                     actor_name=str(actor) if is_system(actor) else None)
    return row


def remove_assignment(assignment: ReporterAssignment, *, actor) -> None:
    """Withdraw one reporter assignment (editors of the mission and admins), audited."""
    from icsplan.core import audit_trail as audit

    from .permissions import require
    from .roles import Action

    require_actor(actor)
    membership = assignment.membership
    if not is_system(actor):
        require(actor, Action.EDIT, membership.mission)
    with transaction.atomic():
        before = {"user": membership.user.get_username(), "target": str(assignment.target)}
        audit.record("assignment.remove", actor=actor, obj=assignment, mission=membership.mission, before=before,
                     actor_name=str(actor) if is_system(actor) else None)
        if _user(actor) is not None:
            assignment._history_user = actor
        assignment.delete()


def set_password(user, password: str, *, actor, validate: bool = True) -> None:
    """Replace a person's password (checked against the password rules), audited; admins only."""
    from icsplan.core import audit_trail as audit

    _require_admin(actor)
    if not password:
        raise InputError("An empty password is not accepted.", code="missing-password")
    if validate:
        try:
            validate_password(password, user)
        except DjangoValidationError as exc:
            raise InputError(" ".join(exc.messages), code="invalid-password") from exc
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("user.password", actor=actor, object_type="auth.user", object_id=user.pk,
                     object_repr=user.get_username(), actor_name=str(actor) if is_system(actor) else None)


# -- API tokens --------------------------------------------------------------------------------------

TOKEN_PREFIX = "icsp_"
PREFIX_LENGTH = 12


def _hash(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def create_token(user, *, scope: str = ApiToken.SCOPE_READ, mission: Mission | str | None = None,
                 expires_in_days: int | None = 90, name: str = "", actor) -> tuple[ApiToken, str]:
    """A new personal token: (row, plaintext). The plaintext is shown once and never stored.

    ``mission`` limits the token to one of the user's missions; ``expires_in_days=None`` means no
    expiry (refused above 366 days). A token never grants more than the user's own roles.
    """
    from icsplan.core import audit_trail as audit

    require_actor(actor)
    if is_system(actor) or actor.pk != user.pk:
        _require_admin(actor)
    if scope not in (ApiToken.SCOPE_READ, ApiToken.SCOPE_WRITE):
        raise InputError(f"Unknown token scope {scope!r}; use read or write.", code="invalid-scope")
    if isinstance(mission, str):
        mission = find_mission(mission)
    if mission is not None and not is_admin(user):
        from .permissions import mission_ids
        from .roles import Action

        if mission.pk not in (mission_ids(user, Action.VIEW_PUBLIC) or set()):
            raise InputError(f"{user.get_username()} has no role in Mission {mission.country}.", code="no-membership")
    if expires_in_days is not None and not 1 <= int(expires_in_days) <= 366:
        raise InputError("A token expires after 1 to 366 days.", code="invalid-expiry")
    plaintext = TOKEN_PREFIX + secrets.token_urlsafe(32)
    row = ApiToken.objects.create(
        user=user, name=name[:100], prefix=plaintext[:PREFIX_LENGTH], key_hash=_hash(plaintext), scope=scope,
        mission=mission,
        expires_at=timezone.now() + dt.timedelta(days=int(expires_in_days)) if expires_in_days else None,
    )
    audit.record("token.create", actor=user if is_system(actor) else actor, obj=None, mission=mission, object_type="accounts.apitoken",
                 object_id=row.pk, object_repr=str(row), after={"scope": scope, "prefix": row.prefix,
                                                                "expires_at": row.expires_at})
    return row, plaintext


def authenticate_token(plaintext: str | None):
    """``(user, token)`` for a valid, unexpired, unrevoked token of an active user, else ``None``.

    The returned user is narrowed to the token (its scope and mission) for every permission check.
    """
    if not plaintext or not plaintext.startswith(TOKEN_PREFIX) or len(plaintext) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_hash(plaintext)).first()
    if token is None or token.revoked or not token.user.is_active:
        return None
    now = timezone.now()
    if token.expires_at is not None and token.expires_at <= now:
        return None
    # Write "last used" at most once a minute: a token may serve many requests per second.
    if token.last_used_at is None or now - token.last_used_at > dt.timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
    user = token.user
    attach_token(user, token)
    return user, token


def revoke_token(token: ApiToken, *, actor) -> ApiToken:
    """Revoke a token (its owner or an admin)."""
    from icsplan.core import audit_trail as audit

    require_actor(actor)
    if is_system(actor) or actor.pk != token.user_id:
        _require_admin(actor)
    if not token.revoked:
        ApiToken.objects.filter(pk=token.pk).update(revoked=True)
        token.revoked = True
        audit.record("token.revoke", actor=actor, mission=token.mission, object_type="accounts.apitoken",
                     object_id=token.pk, object_repr=str(token), actor_name=str(actor) if is_system(actor) else None)
    return token
