from django.urls import path

from incasso.audit import views

app_name = "audit"
urlpatterns = [
    path("", views.access_log, name="log"),
]
