from django.urls import path

from incasso.arrangements import approval_views, settlement_views, views

app_name = "arrangements"

urlpatterns = [
    path("", views.index, name="index"),
    path("<int:pk>/", views.arrangement_detail, name="detail"),
    path("disputes/<int:pk>/", views.dispute_detail, name="dispute_detail"),
    path("new/<str:number>/", views.arrangement_new, name="new"),
    path("approvals/", approval_views.approvals, name="approvals"),
    path("case/<str:number>/", views.case_panel, name="case_panel"),
    path("approvals/<int:pk>/<str:decision>/", approval_views.approval_decide, name="decide"),
    path("<int:pk>/agreement.pdf", views.agreement_pdf, name="agreement"),
    path("promise/<str:number>/", views.promise_new, name="promise"),
    path("dispute/<str:number>/", views.dispute_new, name="dispute"),
    path("disputes/", approval_views.disputes_overdue, name="disputes"),
    path("settlement/<str:number>/", settlement_views.settlement_new, name="settlement_new"),
    path("settlements/<int:pk>/", settlement_views.settlement_detail, name="settlement"),
    path("settlements/<int:pk>/agreement.pdf", settlement_views.settlement_pdf, name="settlement_pdf"),
]
