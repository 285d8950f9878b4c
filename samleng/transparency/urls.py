from django.urls import path

from samleng.core.pagecache import public_page
from samleng.transparency import due_calendar, public_concessions, public_procurement, request_files, views

app_name = "transparency"
urlpatterns = [
    # Land concessions: public pages (the disclosure form for staff only: public_concessions.py), cached for
    # anonymous visitors until a record of transparency or places changes (core.pagecache).
    path("concessions/", public_page("transparency", "places", params=("province", "page"), unless=("q",))(
        public_concessions.concession_list), name="concessions"),
    path("concessions/<int:pk>/", public_page("transparency", "places")(public_concessions.concession_detail),
         name="concession"),
    # Procurement: public pages (public_procurement.py; a project's disclosure form for staff only), and the
    # staff list, which moved from /procurement/ to make room for the ranking.
    path("procurement/", public_procurement.ranking, name="procurement_ranking"),
    path("procurement/ranking.csv", public_procurement.ranking_csv, name="procurement_ranking_csv"),
    path("procurement/buyer/", public_procurement.buyer, name="procurement_buyer"),
    path("procurement/buyer/projects.csv", public_procurement.buyer_csv, name="procurement_buyer_csv"),
    path("procurement/buyer/ocds.json", public_procurement.buyer_ocds, name="procurement_buyer_ocds"),
    path("procurement/projects/", views.procurement_list, name="procurement"),
    path("procurement/<int:pk>/", public_procurement.project_detail, name="procurement_project"),
    path("procurement/<int:pk>/ocds.json", public_procurement.project_ocds, name="procurement_project_ocds"),
    # Information requests: public ones for everyone, the others for those they concern.
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/calendar/", due_calendar.request_calendar, name="request_calendar"),
    path("requests/<str:request_id>/", views.request_detail, name="request"),
    path("requests/<str:request_id>/letter.<str:fmt>", views.request_letter, name="request_letter"),
    path("requests/<str:request_id>/files/", request_files.request_file_upload, name="request_file_upload"),
    path("requests/<str:request_id>/files/confirm/", request_files.request_files_confirm,
         name="request_files_confirm"),
    path("requests/<str:request_id>/files/<int:pk>/", request_files.request_file_download, name="request_file"),
    path("requests/<str:request_id>/files/<int:pk>/remove/", request_files.request_file_remove,
         name="request_file_remove"),
]
