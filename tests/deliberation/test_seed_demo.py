"""Seeding the demo is idempotent and models the subdistrict as described."""

from __future__ import annotations

import io

from django.apps import apps
from django.core.management import call_command

from deliberation.models import Compound, Organization, Ownership, User


def snapshot() -> dict[str, list[tuple]]:
    out = {}
    for model in apps.get_app_config("deliberation").get_models():
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in {"last_login"}]
        out[model.__name__] = sorted(model.objects.values_list(*fields))
    return out


def test_seed_twice_changes_nothing(db) -> None:
    call_command("seed_demo", stdout=io.StringIO())
    first = snapshot()
    call_command("seed_demo", stdout=io.StringIO())
    assert snapshot() == first
    assert first["Compound"], "the demo has compounds"


def test_demo_models_tuanjiehu(demo) -> None:
    tuanjie = demo.tuanjie
    assert tuanjie.category == Compound.Category.COMMERCIAL
    assert tuanjie.owners_committee.term_number == 4
    assert tuanjie.property_provider.kind == Organization.Kind.PROPERTY_FIRM
    assert all(b.elevator_year and b.elevator_year <= 2006 for b in tuanjie.buildings.all())
    qinggong = demo.qinggong
    assert qinggong.category == Compound.Category.CENTRAL_STATE
    assert qinggong.management_mode == Compound.ManagementMode.SELF_MANAGED
    assert qinggong.property_provider.kind == Organization.Kind.PROPERTY_RIGHTS_UNIT
    no_service = Compound.objects.get(name="中路北六条")
    assert no_service.category == Compound.Category.NOT_HANDED_OVER
    assert no_service.property_provider is None
    housing_office = Organization.objects.get(name="朝阳区房管局第十二管理所")
    assert (
        housing_office.served_compounds.filter(
            category=Compound.Category.DISTRICT_PUBLIC_HOUSING
        ).count()
        >= 2
    )
    assert (
        Organization.objects.filter(
            kind=Organization.Kind.PROPERTY_FIRM, in_service_alliance=True
        ).count()
        >= 3
    )
    # Unsold public housing belongs to its property-rights unit (docs/law.md §2).
    assert Ownership.objects.filter(
        unit__building__compound=qinggong, organization=qinggong.property_provider
    ).exists()
    # One account per party and role.
    for username in [
        "jiedao",
        "dudao",
        "shuji",
        "juwei",
        "wuye",
        "fangguan",
        "chanquan",
        "yeweihui",
        "wuguanhui",
        "jumin",
    ]:
        assert User.objects.get(username=username).has_usable_password()
