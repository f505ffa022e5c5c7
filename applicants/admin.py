from django.contrib import admin

from applicants.models import (
    ApplicationOutcome,
    OutcomeImport,
    Profile,
    SeasonDate,
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
