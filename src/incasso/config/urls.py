from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from incasso.api.routes import api
from incasso.config import admin as client_admin  # noqa: F401  the client's page with its settings
from incasso.config.views import management

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="cases:list", permanent=False)),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("management/", management, name="management"),
    path("cases/", include("incasso.cases.urls")),
    path("intake/", include("incasso.intake.urls")),
    path("payments/", include("incasso.payments.urls")),
    path("arrangements/", include("incasso.arrangements.urls")),
    path("legal/", include("incasso.legal.urls")),
    path("questions/", include("incasso.arrangements.question_urls")),
    path("letters/", include("incasso.letters.urls")),
    path("reports/", include("incasso.reports.urls")),
    path("audit/", include("incasso.audit.urls")),
    path("portaal/", include("incasso.portal.urls")),
    path("privacy/", include("incasso.privacy.urls")),
    path("", include("incasso.strategies.urls")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
]
