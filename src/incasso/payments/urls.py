from django.urls import path

from incasso.payments import views

app_name = "payments"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("import/", views.statement_upload, name="import"),
    path("<int:transaction_id>/match/", views.match, name="match"),
    path("<int:transaction_id>/set-aside/", views.set_aside, name="set_aside"),
    path("<int:transaction_id>/back/", views.back_to_queue, name="back_to_queue"),
    path("remittances/", views.remittances, name="remittances"),
    path(
        "remittances/<int:remittance_id>/<str:kind>/", views.remittance_download, name="remittance_download"
    ),
    path("mandates/<str:number>/", views.case_mandates, name="case_mandates"),
    path("mandates/<str:number>/new/", views.mandate_add, name="mandate_add"),
    path("mandates/<str:number>/<int:mandate_pk>/revoke/", views.mandate_revoke_view, name="mandate_revoke"),
]
