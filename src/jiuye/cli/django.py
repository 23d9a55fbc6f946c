"""Start Django for commands that need the database (the rules commands do not)."""

from __future__ import annotations

import os


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiuye.settings")
    import django

    django.setup()
