from django.contrib import admin, messages

from applicants.model_versions import ModelVersionError, activate_version
from applicants.models import (
    ApplicationOutcome,
    Grant,
    ModelVersion,
    OutcomeImport,
    Profile,
    SeasonDate,
    ShareLink,
    Shortlist,
    ShortlistEntry,
)


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "based_on", "active", "visa", "step2_score", "updated_at")
    list_filter = ("visa", "active")
    search_fields = ("name", "user__username")


class ShortlistEntryInline(admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ("program",)


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ("profile", "built_at")
    inlines = [ShortlistEntryInline]


@admin.register(Grant)
class GrantAdmin(admin.ModelAdmin):
    list_display = ("owner", "grantee", "email", "level", "created_at", "revoked_at")
    list_filter = ("level",)
    search_fields = ("owner__username", "grantee__username", "email")
    raw_id_fields = ("owner", "grantee")


@admin.register(ShareLink)
class ShareLinkAdmin(admin.ModelAdmin):
    list_display = ("owner", "profile", "label", "expires_at", "revoked_at", "last_opened_at")
    search_fields = ("owner__username", "label")
    raw_id_fields = ("owner", "profile")
    readonly_fields = ("token_digest",)


@admin.register(OutcomeImport)
class OutcomeImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_at", "user", "rows", "applicants", "replaced")
    readonly_fields = [field.name for field in OutcomeImport._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False  # outcomes come in through `import_outcomes`, checked row by row


@admin.register(ApplicationOutcome)
class ApplicationOutcomeAdmin(admin.ModelAdmin):
    list_display = ("season", "applicant", "program", "invited", "interviewed", "matched")
    list_filter = ("season", "source", "invited", "matched")
    search_fields = ("applicant", "program__name", "program__program_id")
    raw_id_fields = ("program", "batch")

    def has_add_permission(self, request) -> bool:
        return False


@admin.register(SeasonDate)
class SeasonDateAdmin(admin.ModelAdmin):
    list_display = ("season", "kind", "date", "source", "updated_at")
    list_filter = ("season", "kind")
    list_editable = ("date",)
    ordering = ("-season", "date")
    search_fields = ("source",)


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    list_display = ("number", "active", "n_train", "n_test", "conversion", "created_at")
    readonly_fields = [field.name for field in ModelVersion._meta.fields]
    actions = ["activate"]

    def has_add_permission(self, request) -> bool:
        return False  # versions come from `fit_model`

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # lists record the version that scored them

    @admin.action(description="Activate the selected version", permissions=["change"])
    def activate(self, request, queryset) -> None:
        if queryset.count() != 1:
            self.message_user(request, "Select exactly one version to activate.", messages.ERROR)
            return
        version = queryset.get()
        try:
            activate_version(version, user=request.user)
        except ModelVersionError as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(request, f"Version {version.number} is active.", messages.SUCCESS)
