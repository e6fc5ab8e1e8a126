"""Residents' accounts: self-registration by phone, link requests and their decision, and
accounts the residents' committee creates for people (one by one or from a spreadsheet).

A person's home is a ``Residency``; it is only ever made by the residents' committee —
directly, or by approving the person's ``LinkRequest`` (docs/law.md §13). An owner claim
is checked against the owner register when it is made, and the committee sees the answer.
"""

from __future__ import annotations

import secrets

from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from deliberation import policy
from deliberation.errors import Conflict, InvalidInput
from deliberation.live.refresh import refresh_tasks
from deliberation.models import Compound, LinkRequest, Residency, Unit, User

INVITATION_SALT = "yishi.accounts.invitation"
#: a printed letter is pinned to a notice board for a while
INVITATION_MAX_AGE = 180 * 24 * 3600
R = LinkRequest.RegisterMatch


def invitation_token(unit: Unit) -> str:
    """The signed token a letter's QR code carries: the unit, pre-linked at registration."""
    return signing.dumps({"unit": unit.pk}, salt=INVITATION_SALT, compress=True)


def invited_unit(token: str) -> Unit | None:
    """The unit of a letter's token, or None for a forged, altered or expired one."""
    try:
        data = signing.loads(token or "", salt=INVITATION_SALT, max_age=INVITATION_MAX_AGE)
    except signing.BadSignature:
        return None
    pk = data.get("unit") if isinstance(data, dict) else None
    if not isinstance(pk, int):
        return None
    return Unit.objects.select_related("building__compound").filter(pk=pk).first()


def _check_password(password: str, user: User | None = None) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(" ".join(exc.messages), fields={"password1": exc.messages}) from exc


def phone_taken(phone: str) -> bool:
    return User.objects.filter(phone=phone).exists() or User.objects.filter(username=phone).exists()


@transaction.atomic
def register_resident(*, phone: str, name: str, password: str) -> User:
    """A new account for a person who proved their phone number (the caller checked the
    code). The username is the number: what the person logs in with."""
    name = name.strip()
    if not name:
        message = _("Enter your name as your neighbours know it.")
        raise InvalidInput(message, fields={"name": [message]})
    if phone_taken(phone):
        message = _("This number already has an account: log in, or reset the password.")
        raise Conflict(message)
    user = User(username=phone, phone=phone, display_name=name[:100])
    _check_password(password, user)
    user.set_password(password)
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError as exc:  # the same number registered at the same moment
        raise Conflict(
            _("This number already has an account: log in, or reset the password.")
        ) from exc
    return user


def find_unit(compound: Compound, building: str, number: str) -> Unit:
    unit = (
        Unit.objects.select_related("building__compound")
        .filter(building__compound=compound, building__name=building.strip(), number=number.strip())
        .first()
    )
    if unit is None:
        message = _("There is no unit %(number)s in %(building)s of %(compound)s.") % {
            "number": number.strip(),
            "building": building.strip(),
            "compound": compound.name,
        }
        raise InvalidInput(message, fields={"number": [message]})
    return unit


def register_match(user: User, unit: Unit, relation: str) -> str:
    """What the owner register says about an owner claim: the person (by account or by
    phone number) is the registered owner, someone else is, or nobody is recorded."""
    if relation != Residency.Relation.OWNER:
        return R.NOT_ASKED
    owners = list(unit.ownerships.select_related("person"))
    if not owners:
        return R.NO_OWNER
    for o in owners:
        if o.person is not None and (
            o.person_id == user.pk or (user.phone and o.person.phone == user.phone)
        ):
            return R.MATCHES
    return R.OTHER_OWNER


@transaction.atomic
def request_link(*, user: User, unit: Unit, relation: str) -> LinkRequest:
    """Ask the residents' committee to link ``user`` to ``unit``; it gets a task."""
    if relation not in Residency.Relation.values:
        message = _("Choose owner, occupant or tenant.")
        raise InvalidInput(message, fields={"relation": [message]})
    if Residency.objects.filter(user=user, unit=unit).exists():
        raise Conflict(_("Your account is already linked to this home."))
    try:
        with transaction.atomic():
            link = LinkRequest.objects.create(
                user=user,
                unit=unit,
                relation=relation,
                register_match=register_match(user, unit, relation),
            )
    except IntegrityError as exc:
        raise Conflict(_("You have already asked to link this home; wait for the answer.")) from exc
    _refresh(link)
    return link


def _refresh(link: LinkRequest) -> None:
    committee = link.unit.building.compound.community.residents_committee_id
    refresh_tasks(organizations=[committee] if committee else [], users=[link.user_id])


def _decide(link: LinkRequest, actor: User, status: str, reason: str = "") -> LinkRequest:
    locked = LinkRequest.objects.select_for_update().get(pk=link.pk)
    if locked.status != LinkRequest.Status.PENDING:
        raise Conflict(_("This request was already answered."))
    locked.status = status
    locked.decided_by = actor
    locked.decided_at = timezone.now()
    locked.reason = reason[:300]
    locked.save(update_fields=["status", "decided_by", "decided_at", "reason"])
    link.status = locked.status
    return locked


@transaction.atomic
def approve_link(*, link: LinkRequest, actor: User, checked: bool = False) -> Residency:
    """Link the person to the unit. An owner claim the register does not confirm needs the
    committee to say it saw the proof (``checked``)."""
    policy.require(actor, "link_request.decide", link)
    if link.register_match in (R.OTHER_OWNER, R.NO_OWNER) and not checked:
        message = _(
            "The owner register does not name this person: confirm that you saw proof "
            "of ownership, or approve as occupant."
        )
        raise InvalidInput(message, fields={"checked": [message]})
    _decide(link, actor, LinkRequest.Status.APPROVED)
    residency, _created = Residency.objects.update_or_create(
        user_id=link.user_id, unit_id=link.unit_id, defaults={"relation": link.relation}
    )
    _refresh(link)
    return residency


@transaction.atomic
def refuse_link(*, link: LinkRequest, actor: User, reason: str) -> None:
    policy.require(actor, "link_request.decide", link)
    _decide(link, actor, LinkRequest.Status.REFUSED, reason)
    _refresh(link)


@transaction.atomic
def withdraw_link(*, link: LinkRequest, actor: User) -> None:
    policy.require(actor, "link_request.withdraw", link)
    _decide(link, actor, LinkRequest.Status.WITHDRAWN)
    _refresh(link)


@transaction.atomic
def create_resident(
    *, actor: User, compound: Compound, name: str, phone: str, unit: Unit, relation: str
) -> tuple[User, bool]:
    """The committee links a person to a unit, making their account if the number has
    none (no password: they set one through "forgot password" with their phone).
    Returns the person and whether the account is new."""
    policy.require(actor, "residents.manage", compound)
    if unit.building.compound_id != compound.pk:
        raise InvalidInput(_("This unit is not in the compound."))
    user = User.objects.filter(phone=phone).order_by("pk").first()
    created = user is None
    if user is None:
        username = (
            phone
            if not User.objects.filter(username=phone).exists()
            else (f"{phone}-{secrets.token_hex(3)}")
        )
        user = User(username=username, phone=phone, display_name=name.strip()[:100])
        user.set_unusable_password()
        user.save()
    Residency.objects.update_or_create(user=user, unit=unit, defaults={"relation": relation})
    LinkRequest.objects.filter(user=user, unit=unit, status=LinkRequest.Status.PENDING).update(
        status=LinkRequest.Status.APPROVED, decided_by=actor, decided_at=timezone.now()
    )
    refresh_tasks(users=[user.pk])
    return user, created


@transaction.atomic
def set_password_by_phone(*, phone: str, password: str) -> User | None:
    """A new password for the account of a proven number (the caller checked the code)."""
    user = User.objects.filter(phone=phone, is_active=True).order_by("pk").first()
    if user is None:
        return None
    _check_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    return user
