from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from deliberation import models as m


class MembershipInline(admin.TabularInline):
    model = m.Membership
    extra = 0
    autocomplete_fields = ["user"]


class ResidencyInline(admin.TabularInline):
    model = m.Residency
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(m.User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        *BaseUserAdmin.fieldsets,  # type: ignore[misc]
        ("Yishi", {"fields": ("display_name", "phone", "is_party_member")}),
    )
    list_display = ("username", "display_name", "is_party_member", "is_staff")
    search_fields = ("username", "display_name", "phone")
    inlines = [ResidencyInline]


@admin.register(m.Subdistrict)
class SubdistrictAdmin(admin.ModelAdmin):
    search_fields = ("name",)


@admin.register(m.Community)
class CommunityAdmin(admin.ModelAdmin):
    list_display = ("name", "subdistrict", "party_committee", "residents_committee")
    search_fields = ("name",)


@admin.register(m.Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "kind",
        "community",
        "in_service_alliance",
        "party_coverage",
        "term_number",
        "term_end",
    )
    list_filter = ("kind", "in_service_alliance", "party_coverage")
    search_fields = ("name",)
    inlines = [MembershipInline]


class BuildingInline(admin.TabularInline):
    model = m.Building
    extra = 0


@admin.register(m.Compound)
class CompoundAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "community",
        "category",
        "management_mode",
        "property_provider",
        "owners_committee",
    )
    list_filter = ("category", "management_mode", "community")
    search_fields = ("name",)
    list_select_related = ("community", "property_provider", "owners_committee")
    inlines = [BuildingInline]


@admin.register(m.Building)
class BuildingAdmin(admin.ModelAdmin):
    list_display = ("name", "compound", "floors", "elevator_year")
    list_filter = ("compound",)
    search_fields = ("name", "compound__name")


class OwnershipInline(admin.TabularInline):
    model = m.Ownership
    extra = 0
    autocomplete_fields = ["person", "organization"]


@admin.register(m.Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ("__str__", "exclusive_area", "area_source")
    list_filter = ("building__compound", "area_source")
    search_fields = ("number", "building__name", "building__compound__name")
    list_select_related = ("building__compound",)
    inlines = [OwnershipInline]


@admin.register(m.Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organization", "role", "is_owner_representative", "active")
    list_filter = ("role", "organization__kind")
    autocomplete_fields = ["user", "organization"]


@admin.register(m.Residency)
class ResidencyAdmin(admin.ModelAdmin):
    list_display = ("user", "unit", "relation")
    autocomplete_fields = ["user", "unit"]


@admin.register(m.Announcement)
class AnnouncementAdmin(admin.ModelAdmin):
    list_display = ("title", "compound", "organization", "author", "created_at")
    list_filter = ("compound",)


@admin.register(m.Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ("id", "topic", "kind", "created_at", "published_at")
    list_filter = ("kind",)
    readonly_fields = ("topic", "kind", "html", "actor", "created_at", "published_at")


class SlaPolicyInline(admin.TabularInline):
    model = m.SlaPolicy
    extra = 0


@admin.register(m.IssueCategory)
class IssueCategoryAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "group", "default_urgency", "active", "ordering")
    list_filter = ("active", "group")
    search_fields = ("code", "name", "keywords")
    inlines = [SlaPolicyInline]


@admin.register(m.SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    """Respond-by / resolve-by limits per category and urgency (docs/law.md §6 defaults)."""

    list_display = ("__str__", "category", "urgency", "respond_within", "resolve_within")
    list_filter = ("urgency", "category")


class IssueActivityInline(admin.TabularInline):
    model = m.IssueActivity
    extra = 0
    fields = ("kind", "public_text", "staff_note", "actor", "organization", "created_at")
    readonly_fields = ("created_at",)


@admin.register(m.Issue)
class IssueAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "channel",
        "category",
        "compound",
        "status",
        "closure_reason",
        "created_at",
    )
    list_filter = ("status", "channel", "closure_reason", "category")
    search_fields = ("description", "hotline_ticket", "reporter__username")
    list_select_related = ("category", "compound")
    raw_id_fields = ("reporter", "entered_by", "duplicate_of", "building", "unit")
    inlines = [IssueActivityInline]


class WorkOrderNoteInline(admin.TabularInline):
    model = m.WorkOrderNote
    extra = 0


@admin.register(m.WorkOrder)
class WorkOrderAdmin(admin.ModelAdmin):
    list_display = ("id", "title", "responsible", "compound", "status", "is_overdue", "resolve_by")
    list_filter = ("status", "is_overdue", "responsible")
    search_fields = ("title", "description")
    list_select_related = ("responsible", "compound")
    raw_id_fields = ("issue", "dispatched_by")
    inlines = [WorkOrderNoteInline]


@admin.register(m.ExtensionRequest)
class ExtensionRequestAdmin(admin.ModelAdmin):
    list_display = ("work_order", "status", "new_resolve_by", "created_at", "decided_at")
    list_filter = ("status",)


@admin.register(m.Escalation)
class EscalationAdmin(admin.ModelAdmin):
    list_display = ("work_order", "reason", "deadline", "status", "supervisor", "created_at")
    list_filter = ("status", "reason")


# --- owners' votes and committees (issue 6) ------------------------------------------------


@admin.register(m.MeetingRules)
class MeetingRulesAdmin(admin.ModelAdmin):
    """Where a compound's meeting rules adopt "non-voters follow the majority" (off by
    default; the strict tally is always shown beside it)."""

    list_display = ("compound", "non_voters_follow_majority")


class MatterInline(admin.TabularInline):
    model = m.Matter
    extra = 0
    fields = ("position", "kind", "title", "effect", "outcome", "work_order")
    readonly_fields = ("outcome", "work_order")


@admin.register(m.OwnersVote)
class OwnersVoteAdmin(admin.ModelAdmin):
    """Read-mostly: the procedure runs through the services and pages, which check the law."""

    list_display = ("title", "compound", "origin", "status", "opens_at", "closes_at")
    list_filter = ("status", "origin")
    search_fields = ("title",)
    readonly_fields = (
        "status",
        "total_heads",
        "total_area",
        "noticed_at",
        "opens_at",
        "closes_at",
        "closed_at",
        "publish_by",
        "published_at",
    )
    inlines = [MatterInline]


@admin.register(m.CommitteeElection)
class CommitteeElectionAdmin(admin.ModelAdmin):
    list_display = ("committee", "compound", "status", "seats", "elected_on", "registered_on")
    list_filter = ("status",)


@admin.register(m.CommitteeBody)
class CommitteeBodyAdmin(admin.ModelAdmin):
    list_display = ("kind", "organization", "compound", "formed_on", "dissolve_by")
    list_filter = ("kind",)


@admin.register(m.TrendAlarm)
class TrendAlarmAdmin(admin.ModelAdmin):
    """Raised by the sweep and acknowledged through the action: read here, not edited."""

    list_display = ("compound", "month", "counts", "due", "acknowledged_at")
    readonly_fields = ("compound", "month", "counts", "due", "acknowledged_at", "acknowledged_by")


from . import admin_channels  # noqa: E402,F401  (hotline imports, Open311 keys)
