from django.apps import AppConfig
from django.utils.translation import gettext_noop

# Strings of Django itself that its own Dutch catalogue (6.1) does not translate yet; marked here so
# makemessages puts them in ours, which LOCALE_PATHS puts before Django's.
DJANGO_STRINGS = (
    gettext_noop("- Select an option -"),  # the empty choice of a required select (BLANK_CHOICE_LABEL)
)


class CoreConfig(AppConfig):
    name = "incasso.core"
    label = "core"
