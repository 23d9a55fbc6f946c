"""Settings are read from the environment, with safe production defaults."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION_ENV = {
    "PATH": os.environ["PATH"],
    "DJANGO_SETTINGS_MODULE": "jiuye.settings",
    "SECRET_KEY": "Zq7#tLk2@pX9!vRm4$wHn8^bJc6&dFg1*sYe3(uTa5)iOo0-_=+Mz",
    "ALLOWED_HOSTS": "jiuye.example.gov.cn",
    "DATABASE_URL": "sqlite:///:memory:",
}


def run_python(code: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )


def test_check_deploy_is_clean_under_production_settings():
    # given production settings: no DEBUG, a real key, a host name
    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=PRODUCTION_ENV,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    # then
    assert result.returncode == 0, result.stderr
    # silenced, each with its reason in settings.py: security.W021 (HSTS preload is the
    # domain owner's decision), axes.W006 (the per-address throttle is ours, not axes')
    assert result.stdout.strip() == "System check identified no issues (2 silenced)."


def test_debug_is_off_and_locale_is_fixed_by_default():
    # given no DEBUG variable
    # when
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "print(s.DEBUG, s.TIME_ZONE, s.LANGUAGE_CODE, s.USE_TZ)",
        PRODUCTION_ENV,
    )
    # then
    assert result.stdout.split() == ["False", "Asia/Shanghai", "zh-hans", "True"]


def test_missing_secret_key_is_refused_when_debug_is_off():
    # given production settings without SECRET_KEY
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "SECRET_KEY"}
    # when
    result = run_python("import django; django.setup()", env)
    # then
    assert result.returncode == 1
    assert "SECRET_KEY 未设置" in result.stderr


def test_database_url_selects_postgresql():
    # given
    env = {**PRODUCTION_ENV, "DATABASE_URL": "postgres://u:p@db.internal:5433/jiuye"}
    # when
    result = run_python(
        "import django; django.setup(); from django.conf import settings as s;"
        "d = s.DATABASES['default']; print(d['ENGINE'], d['HOST'], d['PORT'], d['NAME'])",
        env,
    )
    # then
    assert result.stdout.split() == [
        "django.db.backends.postgresql",
        "db.internal",
        "5433",
        "jiuye",
    ]
