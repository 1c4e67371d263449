from django.urls import path

from incasso.portal import views

app_name = "portal"

# No case number or id in any URL: the case comes from the session (portal.session).
urlpatterns = [
    path("", views.login, name="login"),
    path("uitloggen/", views.logout, name="logout"),
    path("dossier/", views.overview, name="overview"),
    path("regeling/", views.proposal, name="proposal"),
    path("regeling/overeenkomst.pdf", views.agreement_pdf, name="agreement"),
    path("regeling/akkoord/", views.accept, name="accept"),
    path("schikking/overeenkomst.pdf", views.settlement_pdf, name="settlement_agreement"),
    path("schikking/akkoord/", views.settlement_accept, name="settlement_accept"),
    path("betaalbelofte/", views.promise, name="promise"),
    path("betwisting/", views.dispute, name="dispute"),
    path("contactgegevens/", views.contact, name="contact"),
]
