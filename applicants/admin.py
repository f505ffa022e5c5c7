from django.contrib import admin

from applicants.models import Grant, Profile, SeasonDate, ShareLink, Shortlist, ShortlistEntry


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


@admin.register(SeasonDate)
class SeasonDateAdmin(admin.ModelAdmin):
    list_display = ("season", "kind", "date", "source", "updated_at")
    list_filter = ("season", "kind")
    list_editable = ("date",)
    ordering = ("-season", "date")
    search_fields = ("source",)
