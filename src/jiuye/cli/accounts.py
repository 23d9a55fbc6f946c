"""Staff accounts from the command line: the first administrators of an installation,
lockouts and sessions, and the demo accounts' current codes.

- ``jiuye admin-create USER --role system|security|audit``: an administrator role
  account (the superuser cannot sign in under production settings); the password is
  asked twice, checked against the rules, and must be changed at the first sign-in,
  where the account also binds its authenticator app;
- ``jiuye unlock USER``: lift a lockout (audited, as the security administrator's);
- ``jiuye sessions-end USER``: end every session of an account on the server (audited);
- ``jiuye demo-otp USER [--qr]``: the current code of a demo account, computed from its
  published secret (never from the database: it cannot print a real account's code).
"""

from __future__ import annotations

import time

import typer
from rich.console import Console

from jiuye.cli import app
from jiuye.cli.django import setup_django
from jiuye.core.errors import JiuyeError

console = Console()

ROLE_CHOICES = {"system": "系统管理员", "security": "安全管理员", "audit": "审计管理员"}


@app.command("admin-create")
def admin_create(
    username: str = typer.Argument(..., help="用户名。"),
    role: str = typer.Option(
        ..., "--role", help="system（系统）、security（安全）或 audit（审计）。"
    ),
    name: str = typer.Option("", "--name", help="姓名。"),
    password: str = typer.Option(
        ..., prompt="初始密码", hide_input=True, confirmation_prompt=True, help="初始密码。"
    ),
) -> None:
    """创建管理员角色账号（三权分立，每个账号一个角色）；首次登录须修改密码并绑定身份验证器。"""
    setup_django()
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError
    from django.db import transaction

    from jiuye.staff import passwords, roles

    if role not in ROLE_CHOICES:
        raise JiuyeError("bad_role", f"角色只能是 {'、'.join(ROLE_CHOICES)}。")
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise JiuyeError("user_exists", f"用户名 {username} 已存在。")
    candidate = user_model(username=username, first_name=name)
    try:
        validate_password(password, candidate)
    except ValidationError as error:
        raise JiuyeError("weak_password", "；".join(error.messages)) from error
    with transaction.atomic():
        user = user_model.objects.create_user(
            username=username, password=password, first_name=name, is_staff=True
        )
        roles.assign_role(user=user, role=roles.Role(ROLE_CHOICES[role]))
        passwords.require_change(user)
    console.print(
        f"[green]✓[/] 已创建{ROLE_CHOICES[role]} {username}：首次登录时修改密码并绑定身份验证器。"
    )


@app.command("unlock")
def unlock(username: str = typer.Argument(..., help="用户名。")) -> None:
    """解除账号的登录锁定（记入安全审计）。"""
    setup_django()
    from jiuye.staff import lockouts

    removed = lockouts.unlock(username)
    console.print(f"[green]✓[/] 已解除 {username} 的锁定（删除失败记录 {removed} 条）。")


@app.command("sessions-end")
def sessions_end(username: str = typer.Argument(..., help="用户名。")) -> None:
    """结束账号的全部会话（服务器端删除，记入安全审计）。"""
    setup_django()
    from django.contrib.auth import get_user_model

    from jiuye.staff import sessions

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise JiuyeError("no_user", f"没有用户 {username}。")
    ended = sessions.end_all(user, reason="killed")
    console.print(f"[green]✓[/] 已结束 {username} 的 {ended} 个会话。")


@app.command("demo-otp")
def demo_otp(
    username: str = typer.Argument(..., help="演示账号的用户名。"),
    qr: bool = typer.Option(False, "--qr", help="在终端显示可扫描的二维码。"),
) -> None:
    """显示演示账号当前的动态验证码和 otpauth:// 地址（仅限演示账号）。"""
    setup_django()
    from urllib.parse import quote

    import segno
    from django.conf import settings
    from django_otp.oath import TOTP

    from jiuye.bootstrap import demo_account
    from jiuye.staff.twofactor import key_from_secret

    account = demo_account(username)
    if account is None or not account.totp_secret:
        raise JiuyeError("not_demo", f"{username} 不是演示账号：只能显示演示账号的验证码。")
    totp = TOTP(bytes.fromhex(key_from_secret(account.totp_secret)))
    now = time.time()
    totp.time = now
    left = 30 - int(now) % 30
    issuer = settings.OTP_TOTP_ISSUER
    uri = (
        f"otpauth://totp/{quote(issuer)}:{quote(username)}?secret={account.totp_secret}"
        f"&algorithm=SHA1&digits=6&period=30&issuer={quote(issuer)}"
    )
    console.print(
        f"{username} 当前验证码：[bold]{totp.token():06d}[/]"
        f"（{left} 秒后更新；每个验证码只能用一次）"
    )
    console.print(f"otpauth 地址：{uri}", soft_wrap=True)  # one line, to copy
    if qr:
        segno.make(uri, error="m").terminal(compact=True)
