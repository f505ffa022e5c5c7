from django.contrib import admin

from applicants.models import Profile, SeasonDate, Shortlist, ShortlistEntry


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


@admin.register(SeasonDate)
class SeasonDateAdmin(admin.ModelAdmin):
    list_display = ("season", "kind", "date", "source", "updated_at")
    list_filter = ("season", "kind")
    list_editable = ("date",)
    ordering = ("-season", "date")
    search_fields = ("source",)
