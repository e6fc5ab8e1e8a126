"""Admin for the channels area: hotline imports (read-only) and Open311 API keys."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.utils.translation import gettext as _

from deliberation import models as m
from deliberation.services.open311_keys import new_raw_key


@admin.register(m.HotlineImport)
class HotlineImportAdmin(admin.ModelAdmin):
    list_display = ("filename", "uploaded_by", "status", "total_rows", "imported", "created_at")
    list_filter = ("status",)
    readonly_fields = [f.name for f in m.HotlineImport._meta.fields]

    def has_add_permission(self, request: Any) -> bool:
        return False


@admin.register(m.ApiKey)
class ApiKeyAdmin(admin.ModelAdmin):
    """A new key is generated on save and shown once; only its hash is stored."""

    list_display = ("name", "prefix", "organization", "account", "active", "last_used_at")
    list_filter = ("active",)
    readonly_fields = ("prefix", "created_at", "last_used_at")
    autocomplete_fields = ["account"]
    fields = ("name", "organization", "account", "active", "prefix", "created_at", "last_used_at")

    def save_model(self, request: Any, obj: m.ApiKey, form: Any, change: bool) -> None:
        if not obj.key_hash:
            raw = new_raw_key()
            obj.set_key(raw)
            messages.warning(
                request, _("The new key (shown only once, copy it now): %(key)s") % {"key": raw}
            )
        super().save_model(request, obj, form, change)
