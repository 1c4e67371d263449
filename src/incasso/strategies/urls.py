from django.urls import path

from incasso.strategies import views

app_name = "strategies"
step = "strategies/<int:pk>/v<int:number>/steps/<int:step_pk>/"
urlpatterns = [
    path("queue/", views.work_queue, name="queue"),
    path("strategies/", views.strategy_list, name="list"),
    path("strategies/new/", views.strategy_create, name="create"),
    path("strategies/run/", views.run_page, name="run"),
    path("strategies/run/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("strategies/contact-rules/", views.contact_breaches, name="contact_breaches"),
    path("strategies/move/<str:number>/", views.case_move, name="move"),
    path("strategies/opt-out/<str:number>/", views.debtor_opt_out, name="opt_out"),
    path("strategies/holds/<str:number>/", views.case_hold, name="hold"),
    path("strategies/holds/<str:number>/<int:pk>/end/", views.case_hold_end, name="hold_end"),
    path("strategies/compare/<int:pk>/", views.compare, name="compare"),
    path("strategies/<int:pk>/", views.strategy_detail, name="detail"),
    path("strategies/<int:pk>/edit/", views.strategy_edit, name="edit"),
    path("strategies/<int:pk>/versions/", views.version_create, name="version_create"),
    path("strategies/<int:pk>/v<int:number>/publish/", views.version_publish, name="publish"),
    path("strategies/<int:pk>/v<int:number>/steps/", views.step_add, name="step_add"),
    path(step, views.step_edit, name="step_edit"),
    path(f"{step}remove/", views.step_remove, name="step_remove"),
    path(f"{step}<str:direction>/", views.step_move, name="step_move"),
]
