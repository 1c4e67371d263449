"""The administration hub: one page that leads a supervisor or administrator to every setting and run."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from incasso.core.access import supervisor_required


@supervisor_required
def management(request: HttpRequest) -> HttpResponse:
    return render(request, "core/management.html")
