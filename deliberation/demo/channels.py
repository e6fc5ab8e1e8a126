"""Demo Open311 client: a key owned by the subdistrict office (documented in the README).

Idempotent: the key is found by name; an existing demo key is re-keyed to the demo secret.
"""

from __future__ import annotations

from deliberation.models import ApiKey, Organization
from deliberation.models.channels import hash_api_key
from deliberation.services.open311_keys import create_api_key

DEMO_OPEN311_KEY = "yishi-demo-open311-2026"
DEMO_KEY_NAME = "演示客户端（示例）"


def seed_channels() -> ApiKey:
    existing = ApiKey.objects.filter(name=DEMO_KEY_NAME).first()
    if existing is not None and existing.key_hash == hash_api_key(DEMO_OPEN311_KEY):
        return existing
    office = Organization.objects.get(name="团结湖街道办事处城市管理科")
    key, _raw = create_api_key(name=DEMO_KEY_NAME, organization=office, raw=DEMO_OPEN311_KEY)
    return key
