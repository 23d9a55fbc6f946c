"""The example deployment files under deploy/ parse and name things that exist."""

from __future__ import annotations

import configparser
import re
import shlex
import subprocess
from pathlib import Path

import pytest
import typer.main

from jiuye.cli import app
from jiuye.core.files import max_upload_bytes

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS = Path(__file__).resolve().parents[2] / "src" / "jiuye" / "settings.py"
UNITS = ("jiuye.service", "jiuye-worker.service", "jiuye-backup.service")
#: Sub-commands the units name before the issue that adds them has landed (their
#: options are checked as soon as the command exists).
PENDING = {"worker": "issue 13 (the task runner)"}


def _unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    parser.read_string((DEPLOY / name).read_text(encoding="utf-8"), source=name)
    return parser


def _options(command) -> set[str]:
    return {opt for param in command.params for opt in (*param.opts, *param.secondary_opts)}


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_starts_a_jiuye_command_that_exists_with_options_it_takes(name):
    # given
    unit = _unit(name)
    commands = typer.main.get_command(app).commands  # type: ignore[attr-defined]
    # when
    argv = shlex.split(unit["Service"]["ExecStart"])
    # then
    assert argv[0] == "/opt/jiuye/.venv/bin/jiuye"
    sub, options = argv[1], [a.split("=")[0] for a in argv[2:] if a.startswith("-")]
    if sub not in commands:
        assert sub in PENDING, f"{name}: `jiuye {sub}` does not exist"
        return
    missing = set(options) - _options(commands[sub])
    assert not missing, f"{name}: `jiuye {sub}` has no option {sorted(missing)}"


@pytest.mark.parametrize("name", UNITS)
def test_each_unit_runs_as_the_service_user_with_the_environment_file_and_a_sandbox(name):
    # when
    service = _unit(name)["Service"]
    # then
    assert (service["User"], service["Group"]) == ("jiuye", "jiuye")
    assert service["EnvironmentFile"].startswith("/etc/jiuye/")
    assert service["UMask"] == "0077"
    assert service["ProtectSystem"] == "strict"
    assert service["NoNewPrivileges"] == "yes"


def test_the_backup_timer_starts_the_backup_unit_nightly():
    # when
    timer = _unit("jiuye-backup.timer")["Timer"]
    backup = _unit("jiuye-backup.service")["Service"]
    # then
    assert timer["Unit"] == "jiuye-backup.service"
    assert timer["OnCalendar"] == "*-*-* 02:30:00"
    assert timer["Persistent"] == "true"
    assert backup["Type"] == "oneshot"
    assert backup["ReadWritePaths"] == "/var/backups/jiuye"


def test_the_environment_example_names_only_variables_the_settings_read():
    # given
    source = SETTINGS.read_text(encoding="utf-8")
    lines = (DEPLOY / "jiuye.env.example").read_text(encoding="utf-8").splitlines()
    # when
    names = [line.split("=")[0] for line in lines if line and not line.startswith("#")]
    # then
    assert {"SECRET_KEY", "DATABASE_URL", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"} <= set(names)
    unread = [name for name in names if not re.search(rf"\b{name}\b", source)]
    assert unread == []


def test_nginx_forwards_the_scheme_and_address_and_takes_uploads_up_to_the_app_limit():
    # given
    text = (DEPLOY / "nginx.conf").read_text(encoding="utf-8")
    code = "\n".join(line.split("#")[0] for line in text.splitlines())
    bind = shlex.split(_unit("jiuye.service")["Service"]["ExecStart"])[-1]
    # then: balanced blocks, every statement closed (`nginx -t` accepts it, nginx 1.22)
    assert code.count("{") == code.count("}")
    lines = [line.strip() for line in code.splitlines() if line.strip()]
    assert [line for line in lines if not line.endswith(("{", "}", ";"))] == []
    assert f"server {bind};" in code
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in code
    assert "proxy_set_header X-Forwarded-For $remote_addr;" in code
    assert "proxy_set_header Host $host;" in code
    size = re.search(r"client_max_body_size (\d+)m;", code)
    assert size is not None
    assert int(size.group(1)) * 1024 * 1024 == max_upload_bytes()


def test_the_admin_wrapper_is_a_valid_shell_script_loading_both_environment_files():
    # given
    script = DEPLOY / "jiuye-admin"
    # when
    checked = subprocess.run(["sh", "-n", str(script)], capture_output=True, check=False)
    # then
    assert checked.returncode == 0, checked.stderr
    text = script.read_text(encoding="utf-8")
    assert "EnvironmentFile=/etc/jiuye/jiuye.env" in text
    assert "EnvironmentFile=/etc/jiuye/owner.env" in text
    assert "User=jiuye" in text
