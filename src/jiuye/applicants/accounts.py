"""Applicant accounts: who may sign in as whom.

By SMS (:func:`sign_in_by_code`, after :func:`jiuye.applicants.codes.redeem` proved the
mobile): the 居民身份证号码 must be valid (GB 11643, :func:`parse_resident_id`); if the
registry holds the person, the name must be the registry's; an account keeps the name it
was opened with and the mobile that first proved it, and a later sign-in must give both.
The refusal says only "身份证号码与姓名不一致" whichever record disagreed, and it comes
after the code (someone probing names for a number needs a phone for every try, and the
tries are counted per number and address).

By the province's identity platform (:func:`sign_in_verified`, OIDC): the platform has
verified the person; the registry's name must still agree, and a mobile number the
platform gives replaces the account's.
"""

from __future__ import annotations

from django.db import transaction
from django.http import HttpRequest

from jiuye.applicants.errors import ApplicantInvalid, ApplicantRefused
from jiuye.applicants.models import Applicant, SignInVia, mask_mobile
from jiuye.core import audit, clock, trail
from jiuye.identity import IdentifierError, mask_resident_id, parse_resident_id
from jiuye.registry.models import Person

__all__ = ["normalise", "sign_in_by_code", "sign_in_verified"]

NAME_MISMATCH = "身份证号码与姓名不一致，请核对后重新填写"
MOBILE_BOUND = (
    "该身份证号码的账号已绑定其他手机号，请用该手机号登录。"
    "如已更换手机号，请通过统一身份认证登录，或携带身份证件到任一就业服务窗口办理"
)
INACTIVE = "该账号已停用，请携带身份证件到就业服务窗口办理"


def normalise(resident_id: str, name: str) -> tuple[str, str]:
    """The number as GB 11643 writes it and the name without blanks at either end."""
    try:
        number = parse_resident_id(resident_id, today=clock.today()).number
    except IdentifierError as error:
        raise ApplicantInvalid(
            "invalid_resident_id",
            f"居民身份证号码有误：{error.message}",
            extra={"field": "resident_id"},
        ) from error
    name = (name or "").strip()
    if not name or len(name) > 50:
        raise ApplicantInvalid("name_required", "请填写姓名", extra={"field": "name"})
    return number, name


class _Refusal(Exception):
    def __init__(self, reason: str, message: str, number: str) -> None:
        super().__init__(reason)
        self.reason, self.message, self.number = reason, message, number


def _refuse(reason: str, message: str, request: HttpRequest | None, number: str) -> None:
    raise _Refusal(reason, message, number)


def _refused(refusal: _Refusal, request: HttpRequest | None) -> ApplicantRefused:
    """The trail row of a refusal (outside the sign-in's rolled-back transaction)."""
    trail.append(
        "applicant.failure",
        actor_label="applicant",
        object=f"resident_id:{mask_resident_id(refusal.number)}",
        outcome="refused",
        request=request,
        detail={"reason": refusal.reason},
    )
    return ApplicantRefused(refusal.reason, refusal.message)


def _registry_name(number: str) -> str | None:
    person = Person.objects.by_resident_id(number).only("name").first()
    return person.name.strip() if person is not None else None


def _signed_in(account: Applicant, via: str, request: HttpRequest | None) -> Applicant:
    account.last_signed_in_at = clock.now()
    account.last_signed_in_via = via
    account.save(update_fields=["last_signed_in_at", "last_signed_in_via"])
    trail.append(
        "applicant.login",
        actor_label=f"applicant:{account.pk}",
        object=f"applicant:{account.pk}",
        request=request,
        detail={"via": via},
    )
    return account


def _open(number: str, name: str, mobile: str, via: str) -> Applicant:
    account = Applicant.objects.create(resident_id=number, name=name, mobile=mobile)
    audit.record(
        actor=None,
        action="create",
        entity="applicant",
        object_id=account.pk,
        changes={
            "resident_id": mask_resident_id(number),
            "name": account.shown_name,
            "mobile": mask_mobile(mobile),
            "via": via,
        },
        source="portal",
    )
    return account


def sign_in_by_code(
    *, resident_id: str, name: str, mobile: str, request: HttpRequest | None = None
) -> Applicant:
    """The account of a person whose mobile a one-time code has just proved."""
    try:
        return _by_code(resident_id, name, mobile, request)
    except _Refusal as refusal:
        raise _refused(refusal, request) from None


@transaction.atomic
def _by_code(resident_id: str, name: str, mobile: str, request: HttpRequest | None) -> Applicant:
    number, name = normalise(resident_id, name)
    mobile = mobile.strip()
    registered = _registry_name(number)
    if registered is not None and registered != name:
        _refuse("name_mismatch", NAME_MISMATCH, request, number)
    account = Applicant.objects.select_for_update().filter(resident_id=number).first()
    if account is None:
        return _signed_in(_open(number, name, mobile, SignInVia.SMS), SignInVia.SMS, request)
    if not account.is_active:
        _refuse("inactive", INACTIVE, request, number)
    if registered is None and account.name != name:
        _refuse("name_mismatch", NAME_MISMATCH, request, number)
    if account.mobile and account.mobile != mobile:
        _refuse("mobile_bound", MOBILE_BOUND, request, number)
    changes = {}
    if registered is not None and account.name != registered:
        changes["name"] = {"old": account.shown_name, "new": Applicant(name=registered).shown_name}
        account.name = registered
    if not account.mobile:
        changes["mobile"] = {"old": "", "new": mask_mobile(mobile)}
        account.mobile = mobile
    if changes:
        account.save()
        audit.record(
            actor=None,
            action="update",
            entity="applicant",
            object_id=account.pk,
            changes=changes,
            source="portal",
        )
    return _signed_in(account, SignInVia.SMS, request)


def sign_in_verified(
    *, resident_id: str, name: str, mobile: str = "", request: HttpRequest | None = None
) -> Applicant:
    """The account of a person the province's identity platform has verified."""
    try:
        return _verified(resident_id, name, mobile, request)
    except _Refusal as refusal:
        raise _refused(refusal, request) from None


@transaction.atomic
def _verified(resident_id: str, name: str, mobile: str, request: HttpRequest | None) -> Applicant:
    number, name = normalise(resident_id, name)
    mobile = (mobile or "").strip()
    if mobile and not (len(mobile) == 11 and mobile.isdigit() and mobile[0] == "1"):
        mobile = ""  # not a mainland mobile number: keep the account's
    registered = _registry_name(number)
    if registered is not None and registered != name:
        _refuse("name_mismatch", NAME_MISMATCH, request, number)
    account = Applicant.objects.select_for_update().filter(resident_id=number).first()
    if account is None:
        return _signed_in(_open(number, name, mobile, SignInVia.OIDC), SignInVia.OIDC, request)
    if not account.is_active:
        _refuse("inactive", INACTIVE, request, number)
    changes = {}
    if account.name != name:
        changes["name"] = {"old": account.shown_name, "new": Applicant(name=name).shown_name}
        account.name = name
    if mobile and account.mobile != mobile:
        changes["mobile"] = {"old": account.mobile_masked, "new": mask_mobile(mobile)}
        account.mobile = mobile
    if changes:
        account.save()
        audit.record(
            actor=None,
            action="update",
            entity="applicant",
            object_id=account.pk,
            changes=changes,
            source="portal",
        )
    return _signed_in(account, SignInVia.OIDC, request)
