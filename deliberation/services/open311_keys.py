"""Open311 API keys: issue one (with its service account) and check one."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import get_random_string

from deliberation.models import ApiKey, Membership, Organization, User
from deliberation.models.channels import hash_api_key


def new_raw_key() -> str:
    return "y311_" + get_random_string(40)


@transaction.atomic
def create_api_key(
    *, name: str, organization: Organization, raw: str | None = None
) -> tuple[ApiKey, str]:
    """Create (or, for an existing name, re-key) an API key and its service account, a
    staff member of ``organization`` without a usable password (it never logs in).
    Returns the key and the raw secret, which is not stored."""
    raw = raw or new_raw_key()
    username = f"open311-{get_random_string(8).lower()}"
    key = ApiKey.objects.filter(name=name).select_related("account").first()
    if key is None:
        account = User.objects.create_user(username)
        account.display_name = f"Open311 · {name}"
        account.save(update_fields=["display_name"])
        key = ApiKey(name=name, organization=organization, account=account)
    Membership.objects.get_or_create(
        user=key.account, organization=organization, defaults={"role": Membership.Role.STAFF}
    )
    key.organization = organization
    key.set_key(raw)
    key.active = True
    key.save()
    return key, raw


def check_api_key(raw: str) -> ApiKey | None:
    """The active key for ``raw`` (or None), with its account; stamps its last use."""
    if not raw or len(raw) > 200:
        return None
    key = (
        ApiKey.objects.filter(key_hash=hash_api_key(raw), active=True)
        .select_related("account", "organization")
        .first()
    )
    if key is not None and key.account.is_active:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
        return key
    return None
