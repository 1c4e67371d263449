from django.urls import path

from incasso.intake import views

app_name = "intake"
urlpatterns = [
    path("claims/", views.claims_upload, name="claims"),
]
