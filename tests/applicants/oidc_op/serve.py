"""Run the test provider: ``python -m tests.applicants.oidc_op.serve`` with OP_DATABASE,
OP_URL (http://127.0.0.1:PORT), OP_REDIRECT_URI, OP_USERS ("id:name:password;..")."""

from __future__ import annotations

import os
import sys
from wsgiref.simple_server import WSGIRequestHandler, make_server


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the base class's name
        pass


def main() -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "tests.applicants.oidc_op.settings"
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oidc_provider.models import Client, ResponseType

    call_command("migrate", verbosity=0, interactive=False)
    call_command("creatersakey", stdout=open(os.devnull, "w"))  # noqa: SIM115
    client = Client.objects.create(
        name="jiuye",
        client_id="jiuye",
        client_secret=os.environ.get("OP_CLIENT_SECRET", "op-secret"),
        client_type="confidential",
        jwt_alg="RS256",
        require_consent=False,
        reuse_consent=True,
    )
    client.redirect_uris = [os.environ["OP_REDIRECT_URI"]]
    client.save()
    client.response_types.add(ResponseType.objects.get(value="code"))
    for entry in os.environ.get("OP_USERS", "").split(";"):
        if entry:
            username, name, password = entry.split(":")
            get_user_model().objects.create_user(username, password=password, first_name=name)
    port = int(os.environ["OP_URL"].rsplit(":", 1)[1])
    server = make_server("127.0.0.1", port, get_wsgi_application(), handler_class=QuietHandler)
    sys.stdout.write(f"READY {os.environ['OP_URL']}\n")
    sys.stdout.flush()
    server.serve_forever()


if __name__ == "__main__":
    main()
