from django.urls import path

from incasso.privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("erase-due/", views.erase_due_view, name="erase_due"),
    path("debtors/<int:pk>/", views.debtor, name="debtor"),
    path("debtors/<int:pk>/export/", views.export, name="export"),
    path("debtors/<int:pk>/erase/", views.erase, name="erase"),
]
