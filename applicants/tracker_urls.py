from django.urls import path

from applicants import calendar_views, rank_views, tracker_views

app_name = "season"

urlpatterns = [
    path("", tracker_views.season, name="index"),
    path("entries/<id:pk>/", tracker_views.entry, name="entry"),
    path("entries/<id:pk>/signal/", tracker_views.entry_signal, name="entry_signal"),
    path("entries/<id:pk>/interview.ics", calendar_views.interview_ics, name="interview_ics"),
    path("signals/", tracker_views.signals, name="signals"),
    path("time-zone/", tracker_views.time_zone, name="time_zone"),
    path("costs/", tracker_views.costs, name="costs"),
    path("calendar/", calendar_views.calendar_page, name="calendar"),
    path("calendar/reset/", calendar_views.feed_reset, name="feed_reset"),
    path("calendar/<str:token>.ics", calendar_views.feed, name="feed"),
    path("rank/", rank_views.rank, name="rank"),
    path("rank/print/", rank_views.rank_print, name="rank_print"),
    path("rank/export.csv", rank_views.rank_csv, name="rank_csv"),
    path("rank/export.xlsx", rank_views.rank_xlsx, name="rank_xlsx"),
    path("rank/<id:pk>/move/", rank_views.rank_move, name="rank_move"),
    path("rank/<id:pk>/undo/", rank_views.rank_undo, name="rank_undo"),
    path("rank/<id:pk>/notes/", rank_views.rank_notes, name="rank_notes"),
]
