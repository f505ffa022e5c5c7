from django.contrib import admin

from applicants.models import Profile, Shortlist, ShortlistEntry


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
