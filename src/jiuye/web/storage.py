"""Static files for production: hashed names (the manifest) and gzip copies by WhiteNoise.

Brotli copies are made only with ``STATIC_BROTLI`` (``JIUYE_STATIC_BROTLI=true``): at
its best quality they cost about 75 s of CPU in ``collectstatic`` for the admin's and
Swagger UI's files, against 4 s for everything with gzip alone, and nginx in front can
compress for the browsers that ask for Brotli.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from whitenoise.compress import Compressor
from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticFilesStorage(CompressedManifestStaticFilesStorage):  # type: ignore[misc]
    def create_compressor(self, **kwargs: Any) -> Compressor:
        kwargs.setdefault("use_brotli", bool(getattr(settings, "STATIC_BROTLI", False)))
        return super().create_compressor(**kwargs)
