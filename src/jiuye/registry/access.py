"""Moved to :mod:`jiuye.staff.access`. This name stays only for files of other branches of
issue 9 that still import it (``registry/views_detail.py``); the lead deletes it after
merging, once they import ``jiuye.staff.access``."""

from jiuye.staff.access import (
    AccessRefused,
    Viewer,
    record_reveal,
    scoped,
    shown_resident_id,
    viewer_for,
)

__all__ = ["AccessRefused", "Viewer", "record_reveal", "scoped", "shown_resident_id",
           "viewer_for"]
