"""The `incasso` command: a thin front over Django's management commands.

`incasso migrate`, `incasso runserver`, `incasso calc interest ...` all go through here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "incasso.config.settings")
    from django.core.management import execute_from_command_line

    execute_from_command_line(["incasso", *(sys.argv[1:] if argv is None else argv)])


if __name__ == "__main__":
    main()
