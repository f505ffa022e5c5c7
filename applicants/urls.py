from django.urls import path

from applicants import (
    calendar_views,
    calibration_views,
    export_views,
    sharing_views,
    shortlist_views,
    tracker_views,
    views,
)

app_name = "applicants"

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/validate/<str:field>/", views.validate_field, name="profile_validate"),
    path("profile/scenarios/", views.scenarios, name="scenarios"),
    path("profile/scenarios/new/", views.scenario_create, name="scenario_create"),
    path("profile/scenarios/<int:pk>/", views.scenario, name="scenario"),
    path("profile/scenarios/<int:pk>/activate/", views.scenario_activate, name="scenario_activate"),
    path("profile/scenarios/<int:pk>/rename/", views.scenario_rename, name="scenario_rename"),
    path("profile/scenarios/<int:pk>/delete/", views.scenario_delete, name="scenario_delete"),
    path("calibration/", calibration_views.calibration, name="calibration"),
    path(
        "calibration/<int:pk>/activate/",
        calibration_views.activate,
        name="calibration_activate",
    ),
    path("list/", shortlist_views.shortlist, name="list"),
    path("list/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("list/export.csv", export_views.export_csv, name="export_csv"),
    path("list/<int:profile_pk>/", shortlist_views.shortlist_for_profile, name="list_of"),
    path("list/<int:profile_pk>/build/", shortlist_views.build, name="list_build"),
    path("list/<int:profile_pk>/search/", shortlist_views.search, name="list_search"),
    path("list/<int:profile_pk>/add/", shortlist_views.add, name="list_add"),
    path("list/entries/<int:pk>/pin/", shortlist_views.entry_pin, name="list_entry_pin"),
    path("list/entries/<int:pk>/status/", shortlist_views.entry_status, name="list_entry_status"),
    path("list/entries/<int:pk>/notes/", shortlist_views.entry_notes, name="list_entry_notes"),
    path(
        "list/entries/<int:pk>/exclude/", shortlist_views.entry_exclude, name="list_entry_exclude"
    ),
    path(
        "list/entries/<int:pk>/restore/", shortlist_views.entry_restore, name="list_entry_restore"
    ),
    path("sharing/", sharing_views.sharing_settings, name="sharing"),
    path("sharing/grants/new/", sharing_views.grant_create, name="sharing_grant"),
    path("sharing/grants/<int:pk>/revoke/", sharing_views.grant_revoke, name="sharing_revoke"),
    path("sharing/grants/<int:pk>/restore/", sharing_views.grant_restore, name="sharing_restore"),
    path("sharing/grants/<int:pk>/level/", sharing_views.grant_level, name="sharing_level"),
    path("sharing/links/new/", sharing_views.link_create, name="sharing_link"),
    path("sharing/links/<int:pk>/revoke/", sharing_views.link_revoke, name="sharing_link_revoke"),
    path("s/<str:token>/", sharing_views.shared_list, name="shared"),
    path("advising/", sharing_views.advisor, name="advisor"),
    path(
        "advising/invitations/<int:pk>/accept/",
        sharing_views.invitation_accept,
        name="invitation_accept",
    ),
    path(
        "advising/invitations/<int:pk>/decline/",
        sharing_views.invitation_decline,
        name="invitation_decline",
    ),
    path("list/entries/<int:pk>/comments/", sharing_views.entry_comment, name="list_entry_comment"),
    path(
        "profile/scenarios/<int:pk>/comments/",
        sharing_views.profile_comment,
        name="profile_comment",
    ),
    path("shared/<int:owner_pk>/scenarios/", views.shared_scenarios, name="shared_scenarios"),
    path("shared/<int:owner_pk>/season/", tracker_views.shared_season, name="shared_season"),
    path(
        "shared/<int:owner_pk>/calendar/",
        calendar_views.shared_calendar,
        name="shared_calendar",
    ),
]
