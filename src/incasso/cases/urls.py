from django.urls import path

from incasso.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.case_list, name="list"),
    path("new/", views.case_create, name="create"),
    path("<str:number>/", views.case_detail, name="detail"),
    path("<str:number>/notes/", views.note_add, name="note_add"),
    path("<str:number>/tasks/", views.task_add, name="task_add"),
    path("<str:number>/contacts/", views.contact_log, name="contact_log"),
    path("<str:number>/debtor/addresses/", views.debtor_address_add, name="debtor_address_add"),
    path("<str:number>/debtor/contact-points/", views.debtor_contact_add, name="debtor_contact_add"),
    path("<str:number>/debtor/language/", views.debtor_language, name="debtor_language"),
    path(
        "<str:number>/debtor/<str:what>/invalid/",
        views.debtor_mark_invalid,
        name="debtor_mark_invalid",
    ),
    path("<str:number>/tasks/<int:task_id>/done/", views.task_done, name="task_done"),
    path("<str:number>/documents/", views.document_add, name="document_add"),
    path("<str:number>/documents/<int:document_id>/", views.document_download, name="document_download"),
    path("<str:number>/interest-freezes/", views.interest_freeze_add, name="interest_freeze_add"),
    path("<str:number>/interest-freezes/end/", views.interest_freeze_end, name="interest_freeze_end"),
    path("<str:number>/state/", views.case_transition, name="transition"),
    path("<str:number>/calculation/", views.case_calculation, name="calculation"),
    path("<str:number>/owed-today/", views.case_owed_today, name="owed_today"),
    path("<str:number>/timeline/", views.case_timeline, name="timeline"),
]
