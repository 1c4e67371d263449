"""The only tags and filters a letter template may use: `if`, `for` and a few text filters.

No `load`, `include`, `extends`, `url`, `now`, `debug`, ... : they are simply not registered, so
the parser refuses them as unknown tags.
"""

from __future__ import annotations

from django.template import Library, defaultfilters, defaulttags

register = Library()

register.tag("if", defaulttags.do_if)
register.tag("for", defaulttags.do_for)
for _name in ("upper", "lower", "capfirst", "default", "length", "yesno"):
    register.filter(_name, getattr(defaultfilters, _name))
