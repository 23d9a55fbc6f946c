"""Sign-in through the province's identity platform (OpenID Connect), against a real
provider (django-oidc-provider) in a second process: the browser's redirects, the
provider's login, the code, and the server-to-server token, JWKS and userinfo requests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import parse_qs, urljoin, urlsplit

import pytest
import requests
from django.test import Client

from jiuye.applicants import sessions
from jiuye.applicants.models import Applicant, SignInVia
from jiuye.casework.filing import file_case
from tests.casework.world import GRADUATE_ID, OTHER_ID, STARTUP_FACTS

ROOT = Path(__file__).resolve().parents[2]
CALLBACK = "http://testserver/banshi/oidc/callback/"
PASSWORD = "op-password-1"
PHONE = "13900005555"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    url = f"http://127.0.0.1:{_free_port()}"
    env = {
        **os.environ,
        "OP_DATABASE": str(tmp_path_factory.mktemp("op") / "op.sqlite3"),
        "OP_URL": url,
        "OP_REDIRECT_URI": CALLBACK,
        "OP_PHONE": PHONE,
        "OP_USERS": f"{GRADUATE_ID}:张小三:{PASSWORD};{OTHER_ID}:王五:{PASSWORD}",
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.applicants.oidc_op.serve"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()
        assert line.startswith("READY"), f"the test provider did not start: {line!r}"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def platform(provider, settings):
    settings.OIDC_RP_CLIENT_ID = "jiuye"
    settings.OIDC_RP_CLIENT_SECRET = "op-secret"
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/authorize"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/token"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/userinfo"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/jwks"
    settings.OIDC_RP_SIGN_ALGO = "RS256"
    settings.OIDC_RP_SCOPES = "openid profile phone idcard"
    return provider


def _through_the_provider(client: Client, username: str) -> tuple[str, str]:
    """Our start page → the provider's login → back to our callback: (path, query)."""
    start = client.get("/banshi/oidc/start/?next=/banshi/mine/")
    assert start.status_code == 302
    authorize = start["Location"]
    browser = requests.Session()
    login = browser.get(authorize, timeout=10)  # the provider asks its user to sign in
    assert "统一身份认证" in login.text
    signed = browser.post(
        login.url,
        data={
            "username": username,
            "password": PASSWORD,
            "csrfmiddlewaretoken": browser.cookies["csrftoken"],
            "next": parse_qs(urlsplit(login.url).query)["next"][0],
        },
        allow_redirects=False,
        timeout=10,
    )
    assert signed.status_code == 302, signed.text[:500]
    back = browser.get(
        urljoin(login.url, signed.headers["Location"]), allow_redirects=False, timeout=10
    )
    assert back.status_code == 302, back.text[:500]
    target = urlsplit(back.headers["Location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == CALLBACK
    return target.path, target.query


def test_the_platform_signs_a_resident_in_with_code_token_and_userinfo(world, platform):
    client = Client()
    button = client.get("/banshi/signin/").content.decode()
    # given a case filed with a mobile the account never proved
    case = file_case(
        rule_id="startup_subsidy",
        subject_id=GRADUATE_ID,
        subject_name="张小三",
        mobile="13900002222",
        declared=STARTUP_FACTS,
        channel="online",
    )
    # when
    start = client.get("/banshi/oidc/start/")
    query = parse_qs(urlsplit(start["Location"]).query)
    path, code_query = _through_the_provider(client, GRADUATE_ID)
    done = client.get(f"{path}?{code_query}")
    # then the sign-in page offered the platform, and the request carried state, nonce
    # and a PKCE challenge
    assert "通过吉林省统一身份认证平台登录" in button
    assert {"state", "nonce", "code_challenge"} <= set(query)
    assert query["redirect_uri"] == [CALLBACK]
    assert done.status_code == 302
    assert done["Location"] == "/banshi/mine/"
    account = Applicant.objects.get()
    assert (account.resident_id, account.name, account.mobile) == (GRADUATE_ID, "张小三", PHONE)
    assert account.last_signed_in_via == SignInVia.OIDC
    assert "_auth_user_id" not in client.session
    assert client.session[sessions.KEY]["via"] == "oidc"
    # and the verified identity sees every case of the number
    assert case.code in client.get("/banshi/mine/").content.decode()
    # and an applicant session opens no staff page
    assert client.get("/workbench/")["Location"].startswith("/accounts/login/")


def test_a_replayed_callback_is_refused(world, platform):
    client = Client()
    path, code_query = _through_the_provider(client, GRADUATE_ID)
    client.get(f"{path}?{code_query}")
    client.post("/banshi/signout/")
    # when the same callback comes again
    again = client.get(f"{path}?{code_query}")
    # then
    assert again.status_code == 400
    assert "统一身份认证登录未成功" in again.content.decode()
    assert sessions.KEY not in client.session


def test_a_name_the_registry_does_not_hold_for_the_number_is_refused(world, platform):
    # given the platform says 王五 for a number the registry holds as 李四
    from jiuye.registry.models import Person

    Person.objects.create(
        resident_id=OTHER_ID,
        name="李四",
        sex="male",
        birth_date="1995-05-05",
        division=world.divisions["220702001901"],
    )
    client = Client()
    path, code_query = _through_the_provider(client, OTHER_ID)
    # when
    refused = client.get(f"{path}?{code_query}")
    # then
    assert refused.status_code == 403
    assert "身份证号码与姓名不一致" in refused.content.decode()
    assert Applicant.objects.count() == 0


def test_a_forged_state_is_refused_without_asking_the_provider(world, platform):
    client = Client()
    client.get("/banshi/oidc/start/")
    response = client.get("/banshi/oidc/callback/?code=abc&state=forged")
    assert response.status_code == 400
    assert Applicant.objects.count() == 0


def test_without_configuration_the_platform_pages_do_not_exist(world, settings):
    settings.OIDC_RP_CLIENT_ID = ""
    assert Client().get("/banshi/oidc/start/").status_code == 404
    assert Client().get("/banshi/oidc/callback/?code=a&state=b").status_code == 404
    assert "/banshi/oidc/start/" not in Client().get("/banshi/signin/").content.decode()
