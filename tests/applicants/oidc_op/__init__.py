"""A real OpenID Connect provider for the tests: django-oidc-provider in a second Django
process on a free loopback port, standing in for the province's identity platform.

``serve.py`` migrates its own SQLite file, makes an RSA signing key, registers the
client ``jiuye`` and one resident account, prints ``READY <url>`` and serves until it
is stopped. Nothing here is imported by the application.
"""
