from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html, format_html_join

from programs.models import ImportBatch, Program
from programs.writer import save_program_edit, set_active


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = (
        "name",
        "program_id",
        "city",
        "state",
        "setting",
        "tier",
        "visa_j1",
        "visa_h1b",
        "img_pct",
        "step2_min",
        "active",
    )
    list_filter = (
        "active",
        "setting",
        "tier",
        "track",
        "visa_j1",
        "visa_h1b",
        "img_observerships",
        "step2_min_kind",
        "yog_window_kind",
        "usce_kind",
        "data_source",
        "state",
    )
    search_fields = ("name", "institution", "city", "program_id", "nrmp_codes")
    readonly_fields = ("region", "created_at", "updated_at")
    list_per_page = 50
    actions = ("archive", "restore")
    fieldsets = (
        (None, {"fields": ("name", "institution", "city", "state", "region", "active")}),
        ("Identifiers", {"fields": ("program_id", "nrmp_codes", "website")}),
        ("Program", {"fields": ("setting", "tier", "track", "positions", "img_pct")}),
        (
            "Policies (blank = unknown)",
            {
                "fields": (
                    "visa_j1",
                    "visa_h1b",
                    ("step2_min", "step2_min_kind"),
                    ("yog_policy", "yog_window", "yog_window_kind"),
                    "multiple_attempts_ok",
                    ("usce_min_months", "usce_kind"),
                    "img_observerships",
                )
            },
        ),
        (
            "Source",
            {"fields": ("data_source", "last_verified", "notes", "created_at", "updated_at")},
        ),
    )

    @admin.action(
        description="Archive the selected programs (shortlists keep them)", permissions=["change"]
    )
    def archive(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        count = set_active(programs=queryset, active=False, user=request.user)
        self.message_user(request, f"Archived {count} programs.", messages.SUCCESS)

    @admin.action(
        description="Restore the selected programs to the catalogue", permissions=["change"]
    )
    def restore(self, request: HttpRequest, queryset: QuerySet[Program]) -> None:
        count = set_active(programs=queryset, active=True, user=request.user)
        self.message_user(request, f"Restored {count} programs.", messages.SUCCESS)

    def save_model(self, request: HttpRequest, obj: Program, form: object, change: bool) -> None:
        save_program_edit(program=obj, user=request.user)


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = (
        "created_at",
        "file_name",
        "user",
        "dry_run",
        "full_catalogue",
        "created",
        "updated",
        "unchanged",
        "archived",
        "rejected",
    )
    list_filter = ("dry_run", "full_catalogue", "skip_invalid")
    search_fields = ("file_name", "sha256", "user__username")
    date_hierarchy = "created_at"
    exclude = ("errors", "content")
    readonly_fields = (
        "user",
        "created_at",
        "file_name",
        "sha256",
        "dry_run",
        "full_catalogue",
        "skip_invalid",
        "created",
        "updated",
        "unchanged",
        "archived",
        "rejected",
        "ignored_columns",
        "pending",
        "row_errors",
    )

    @admin.display(boolean=True, description="preview awaiting confirmation")
    def pending(self, batch: ImportBatch) -> bool:
        return batch.content is not None

    @admin.display(description="row errors")
    def row_errors(self, batch: ImportBatch) -> str:
        if not batch.errors:
            return "—"
        rows = format_html_join(
            "",
            "<li>Line {}, column “{}”: “{}” {}</li>",
            (
                (error.get("line"), error.get("column"), error.get("value"), error.get("message"))
                for error in batch.errors
            ),
        )
        return format_html("<ul>{}</ul>", rows)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
