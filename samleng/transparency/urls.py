from django.urls import path

from samleng.transparency import views

app_name = "transparency"
urlpatterns = [
    # Staff pages (NGO staff only): what was disclosed about land concessions and procurement projects.
    path("concessions/", views.concession_list, name="concessions"),
    path("concessions/<int:pk>/", views.concession_detail, name="concession"),
    path("procurement/", views.procurement_list, name="procurement"),
    path("procurement/<int:pk>/", views.procurement_detail, name="procurement_project"),
    # Information requests: public ones for everyone, the others for those they concern.
    path("requests/", views.request_list, name="requests"),
    path("requests/new/", views.request_new, name="request_new"),
    path("requests/<str:request_id>/", views.request_detail, name="request"),
    path("requests/<str:request_id>/letter.<str:fmt>", views.request_letter, name="request_letter"),
]
