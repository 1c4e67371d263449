from django.urls import path

from incasso.letters import views

app_name = "letters"

urlpatterns = [
    path("templates/", views.templates, name="templates"),
    path("templates/<slug:code>/<slug:language>/", views.template_edit, name="template_edit"),
    path("templates/<slug:code>/<slug:language>/preview/", views.template_preview, name="template_preview"),
    path("letterheads/", views.letterheads, name="letterheads"),
    path("letterheads/new/", views.letterhead_edit, name="letterhead_new"),
    path("letterheads/<int:pk>/", views.letterhead_edit, name="letterhead_edit"),
    path("sent/<str:number>/<int:pk>.pdf", views.sent_letter_pdf, name="sent_pdf"),
    path("case/<str:number>/", views.case_messages_panel, name="case_messages"),
    path("case/<str:number>/send/", views.case_letter_send, name="case_send"),
    path("case/<str:number>/returned/", views.case_letter_return, name="case_return"),
    path("returned/", views.returned_post, name="returned_post"),
    path("sms/status/<str:token>/", views.sms_status_report, name="sms_status_report"),
]
