from django.urls import path, register_converter

from incasso.legal import views


class _Format:
    regex = "pdf|docx"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(_Format, "summonsfmt")
app_name = "legal"

urlpatterns = [
    path("limitation/", views.limitation_list, name="limitation"),
    path("limitation/<str:number>/", views.case_limitation_panel, name="case_limitation"),
    path("summons/<str:number>.<summonsfmt:fmt>", views.summons_download, name="summons"),
    path("case/<str:number>/", views.case_legal, name="case"),
    path("handover/<str:number>/", views.handover_page, name="handover"),
    path("handover/<str:number>/<int:handover_id>.zip", views.handover_package, name="package"),
]
