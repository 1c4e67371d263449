from django.urls import path

from incasso.reports import views

app_name = "reports"

urlpatterns = [
    path("", views.index, name="index"),
    path("export.csv", views.export_csv, name="export_csv"),
]
