from django.contrib import admin

from programs.models import ImportBatch, Program


@admin.register(Program)
class ProgramAdmin(admin.ModelAdmin):
    list_display = ("name", "program_id", "city", "state", "tier", "visa_j1", "visa_h1b", "active")
    list_filter = ("active", "state", "setting", "tier", "track", "visa_j1", "visa_h1b")
    search_fields = ("name", "institution", "city", "program_id", "nrmp_codes")


@admin.register(ImportBatch)
class ImportBatchAdmin(admin.ModelAdmin):
    list_display = ("file_name", "created_at", "user", "dry_run", "created", "updated", "rejected")
    list_filter = ("dry_run",)
    readonly_fields = [field.name for field in ImportBatch._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False
