from django.urls import path

from incasso.arrangements import question_views as views

app_name = "questions"

urlpatterns = [
    path("", views.index, name="index"),
    path("case/<str:number>/", views.case_panel, name="case_panel"),
    path("case/<str:number>/ask/", views.ask, name="ask"),
    path("<int:pk>/answer/", views.answer, name="answer"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
]
