"""gettext for the pure modules (rules, schedules, affordability) that must not import Django.

`gettext(message)` translates with Django's active language when Django is loaded and configured (the
web app, the commands, the tests) and returns the English message unchanged otherwise. Call it as
`_("...")` so makemessages finds the strings.
"""

from __future__ import annotations

import sys


def gettext(message: str) -> str:
    translation = sys.modules.get("django.utils.translation")
    conf = sys.modules.get("django.conf")
    if translation is None or conf is None or not conf.settings.configured:
        return message
    return str(translation.gettext(message))
