from django.urls import path

from samleng.transparency import views

app_name = "transparency"
urlpatterns = [
    # Staff pages (NGO staff only): what was disclosed about land concessions and procurement projects.
    path("concessions/", views.concession_list, name="concessions"),
    path("concessions/<int:pk>/", views.concession_detail, name="concession"),
    path("procurement/", views.procurement_list, name="procurement"),
    path("procurement/<int:pk>/", views.procurement_detail, name="procurement_project"),
]
