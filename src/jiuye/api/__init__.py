"""The JSON API under /api/v1/ (django-ninja). The instance lives in jiuye.api.main."""
