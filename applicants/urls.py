from django.urls import include, path

from applicants import (
    calendar_views,
    calibration_views,
    entry_views,
    export_views,
    sharing_views,
    shortlist_views,
    tracker_views,
    views,
)

app_name = "applicants"

scenario_urls = [
    path("", views.scenario, name="scenario"),
    path("activate/", views.scenario_activate, name="scenario_activate"),
    path("rename/", views.scenario_rename, name="scenario_rename"),
    path("delete/", views.scenario_delete, name="scenario_delete"),
    path("comments/", sharing_views.profile_comment, name="profile_comment"),
]
profile_list_urls = [
    path("", shortlist_views.shortlist_for_profile, name="list_of"),
    path("build/", shortlist_views.build, name="list_build"),
    path("search/", shortlist_views.search, name="list_search"),
    path("add/", shortlist_views.add, name="list_add"),
]
entry_urls = [
    path("pin/", entry_views.entry_pin, name="list_entry_pin"),
    path("status/", entry_views.entry_status, name="list_entry_status"),
    path("status/undo/", entry_views.entry_status_undo, name="list_entry_status_undo"),
    path("notes/", entry_views.entry_notes, name="list_entry_notes"),
    path("exclude/", entry_views.entry_exclude, name="list_entry_exclude"),
    path("restore/", entry_views.entry_restore, name="list_entry_restore"),
    path("comments/", sharing_views.entry_comment, name="list_entry_comment"),
]
grant_urls = [
    path("revoke/", sharing_views.grant_revoke, name="sharing_revoke"),
    path("restore/", sharing_views.grant_restore, name="sharing_restore"),
    path("level/", sharing_views.grant_level, name="sharing_level"),
]
invitation_urls = [
    path("accept/", sharing_views.invitation_accept, name="invitation_accept"),
    path("decline/", sharing_views.invitation_decline, name="invitation_decline"),
]
# An owner's workspace as someone they share it with sees it.
shared_urls = [
    path("scenarios/", views.shared_scenarios, name="shared_scenarios"),
    path("season/", tracker_views.shared_season, name="shared_season"),
    path("calendar/", calendar_views.shared_calendar, name="shared_calendar"),
]

urlpatterns = [
    path("profile/", views.profile, name="profile"),
    path("profile/validate/<str:field>/", views.validate_field, name="profile_validate"),
    path("profile/scenarios/", views.scenarios, name="scenarios"),
    path("profile/scenarios/new/", views.scenario_create, name="scenario_create"),
    path("profile/scenarios/<id:pk>/", include(scenario_urls)),
    path("calibration/", calibration_views.calibration, name="calibration"),
    path("calibration/<id:pk>/activate/", calibration_views.activate, name="calibration_activate"),
    path("list/", shortlist_views.shortlist, name="list"),
    path("list/export.xlsx", export_views.export_xlsx, name="export_xlsx"),
    path("list/export.csv", export_views.export_csv, name="export_csv"),
    path("list/<id:profile_pk>/", include(profile_list_urls)),
    path("list/entries/<id:pk>/", include(entry_urls)),
    path("sharing/", sharing_views.sharing_settings, name="sharing"),
    path("sharing/grants/new/", sharing_views.grant_create, name="sharing_grant"),
    path("sharing/grants/<id:pk>/", include(grant_urls)),
    path("sharing/links/new/", sharing_views.link_create, name="sharing_link"),
    path("sharing/links/<id:pk>/revoke/", sharing_views.link_revoke, name="sharing_link_revoke"),
    path("sharing/links/<id:pk>/restore/", sharing_views.link_restore, name="sharing_link_restore"),
    path("s/<str:token>/", sharing_views.shared_list, name="shared"),
    path("advising/", sharing_views.advisor, name="advisor"),
    path("advising/invitations/<id:pk>/", include(invitation_urls)),
    path("shared/<id:owner_pk>/", include(shared_urls)),
]
