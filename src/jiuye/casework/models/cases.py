"""A case: one application for one benefit rule by one person or unit.

The subject's identifier (居民身份证号码 or 统一社会信用代码) and the mobile number are
encrypted at rest (:mod:`jiuye.core.encrypted`); the blind index of the identifier keeps
"one open case per rule and subject" a database constraint.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiuye.casework.models.chains import Level, ReviewRole
from jiuye.core import clock
from jiuye.core.encrypted import BlindIndexField, EncryptedField, MaskedField
from jiuye.identity import is_valid_resident_id, mask_credit_code, mask_resident_id


def mask_subject(value: str) -> str:
    """A resident ID or a credit code, masked as the registry masks each.

    >>> mask_subject("11010519491231002X"), mask_subject("91350100M000100Y43")
    ('110105********002X', '9135**********0Y43')
    """
    return mask_resident_id(value) if is_valid_resident_id(value) else mask_credit_code(value)


def mask_mobile(value: str) -> str:
    """The first 3 and last 4 digits of a mobile number.

    >>> mask_mobile("13912345678")
    '139****5678'
    """
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


class Channel(models.TextChoices):
    ONLINE = "online", _("网上申请")
    COUNTER = "counter", _("窗口受理")
    PROACTIVE = "proactive", _("免申即享")


class CaseState(models.TextChoices):
    """The states of :mod:`jiuye.casework.states` (its edges are the only way between)."""

    REVIEWING = "reviewing", _("审核中")
    RETURNED = "returned", _("退回补正")
    APPROVED = "approved", _("已核准，待公示")
    ANNOUNCING = "announcing", _("公示中")
    OBJECTED = "objected", _("公示异议处理中")
    READY = "ready", _("公示期满，待发放")
    REJECTED = "rejected", _("不予核准")
    WITHDRAWN = "withdrawn", _("已撤回")
    LAPSED = "lapsed", _("逾期未补正，已终止")


#: States in which a case holds its (rule, subject) slot: a second filing is refused.
OPEN_STATES = frozenset(
    {
        CaseState.REVIEWING,
        CaseState.RETURNED,
        CaseState.APPROVED,
        CaseState.ANNOUNCING,
        CaseState.OBJECTED,
    }
)
FINAL_STATES = frozenset(
    {CaseState.READY, CaseState.REJECTED, CaseState.WITHDRAWN, CaseState.LAPSED}
)


class Case(models.Model):
    code = models.CharField(_("办件编号"), max_length=20, unique=True)
    rule_id = models.CharField(_("规则"), max_length=80)
    title = models.CharField(_("事项"), max_length=200)
    clause = models.CharField(_("条款"), max_length=20)
    entity = models.CharField(_("对象类型"), max_length=20)
    subject_id = EncryptedField(
        _("身份证号码或统一社会信用代码"),
        purpose="casework_case.subject_id",
        index="subject_id_index",
        masked="subject_id_masked",
    )
    subject_id_index = BlindIndexField(_("证件号码盲索引"), source="subject_id")
    subject_id_masked = MaskedField(
        _("证件号码（脱敏）"), max_length=18, source="subject_id", mask=mask_subject
    )
    subject_name = models.CharField(_("申请人（单位）名称"), max_length=200)
    contact_name = models.CharField(_("经办联系人"), max_length=50, blank=True)
    mobile = EncryptedField(
        _("手机号码"),
        purpose="casework_case.mobile",
        index="mobile_index",
        masked="mobile_masked",
        blank=True,
    )
    mobile_index = BlindIndexField(_("手机号码盲索引"), source="mobile")
    mobile_masked = MaskedField(
        _("手机号码（脱敏）"), max_length=11, source="mobile", mask=mask_mobile
    )
    person = models.ForeignKey(
        "registry.Person", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    employer = models.ForeignKey(
        "registry.Employer", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    division = models.ForeignKey(
        "geo.Division",
        verbose_name=_("户籍或注册地"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    division_code = models.CharField(_("户籍或注册地代码"), max_length=12, db_index=True)
    handling_code = models.CharField(
        _("主管机构区划代码"), max_length=12, help_text=_("县（市、区）或市")
    )
    channel = models.CharField(_("渠道"), max_length=10, choices=Channel.choices)
    taken_office = models.ForeignKey(
        "portal.Office",
        verbose_name=_("受理窗口"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    taken_code = models.CharField(_("受理地区划代码"), max_length=12, blank=True)
    first_responder = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("首问责任人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    state = models.CharField(_("状态"), max_length=12, choices=CaseState.choices)
    version = models.PositiveIntegerField(_("版本"), default=1)
    position = models.PositiveSmallIntegerField(_("当前环节"), default=1)
    holds_slot = models.BooleanField(_("占用申请名额"), default=True)
    filed_on = models.DateField(_("申请日期"))
    filed_at = models.DateTimeField(_("提交时间"), default=clock.now)
    updated_at = models.DateTimeField(_("更新时间"), default=clock.now)
    status = models.CharField(_("认定结论"), max_length=14)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True, blank=True)
    declared = models.JSONField(_("申报事实"), default=dict, blank=True)
    waiting_reason = models.CharField(_("等待原因"), max_length=200, blank=True)
    outcome_note = models.CharField(_("办理结果说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办件")
        verbose_name_plural = _("办件")
        ordering = ["-filed_at", "-id"]
        constraints = [
            # one open (or, for a one-time benefit, granted) case per rule and subject:
            # two filings at the same moment make one case
            models.UniqueConstraint(
                fields=["rule_id", "subject_id_index"],
                condition=models.Q(holds_slot=True),
                name="casework_case_one_open_per_rule_subject",
            )
        ]
        indexes = [
            models.Index(fields=["state", "handling_code"], name="casework_case_state_idx"),
            models.Index(fields=["subject_id_index"], name="casework_case_subject_idx"),
        ]

    def __str__(self) -> str:
        return self.code


class StepState(models.TextChoices):
    WAITING = "waiting", _("未到")
    ACTIVE = "active", _("办理中")
    DONE = "done", _("已通过")
    REJECTED = "rejected", _("不予核准")
    RETURNED = "returned", _("已退回补正")
    CLOSED = "closed", _("已终止")


class CaseStep(models.Model):
    """One step of the case's own copy of its chain, bound to the office that must act."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="steps")
    position = models.PositiveSmallIntegerField(_("顺序"))
    name = models.CharField(_("环节名称"), max_length=40)
    role = models.ForeignKey(
        ReviewRole, verbose_name=_("审核角色"), on_delete=models.PROTECT, related_name="+"
    )
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    division_code = models.CharField(_("办理机构区划代码"), max_length=12)
    division_name = models.CharField(_("办理机构"), max_length=100)
    working_days = models.PositiveSmallIntegerField(_("办理时限（工作日）"), null=True)
    state = models.CharField(
        _("状态"), max_length=10, choices=StepState.choices, default=StepState.WAITING
    )
    started_on = models.DateField(_("开始日期"), null=True, blank=True)
    due_on = models.DateField(_("办理期限"), null=True, blank=True)
    due_note = models.CharField(_("期限说明"), max_length=100, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办理人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    acted_at = models.DateTimeField(_("办理时间"), null=True, blank=True)
    opinion = models.CharField(_("意见"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办件环节")
        verbose_name_plural = _("办件环节")
        ordering = ["case", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "position"], name="casework_casestep_position_uniq"
            )
        ]
        indexes = [
            models.Index(fields=["state", "role", "division_code"], name="casework_step_queue_idx"),
        ]


class Decision(models.Model):
    """The engine's result frozen on the case: at filing, and at each re-evaluation."""

    class Kind(models.TextChoices):
        FILING = "filing", _("受理时认定")
        REEVALUATION = "reevaluation", _("重新认定")
        SCREENING = "screening", _("筛查认定")

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    as_of = models.DateField(_("认定日期"))
    status = models.CharField(_("结论"), max_length=14)
    amount_fen = models.BigIntegerField(_("金额（分）"), null=True)
    result = models.JSONField(_("认定结果（含理由、条款、版本）"))
    facts = models.JSONField(_("所依据的事实"))
    parameters = models.JSONField(_("所用参数及来源"))
    package = models.CharField(_("政策包"), max_length=60)
    rule_version = models.CharField(_("规则版本"), max_length=40)
    reason = models.CharField(_("重新认定事由"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("认定结论")
        verbose_name_plural = _("认定结论")
        ordering = ["case", "created_at", "id"]


class Override(models.Model):
    """A senior's recorded decision to approve despite an ineligible frozen decision."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="overrides")
    decision = models.ForeignKey(Decision, on_delete=models.PROTECT, related_name="+")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("事由"), max_length=500)
    at = models.DateTimeField(_("时间"), default=clock.now)

    class Meta:
        verbose_name = _("上级核准意见")
        verbose_name_plural = _("上级核准意见")


class CaseEvent(models.Model):
    """Every state change of a case (and what staff and applicant did): its timeline."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("时间"), default=clock.now)
    action = models.CharField(_("操作"), max_length=30)
    from_state = models.CharField(_("原状态"), max_length=12, blank=True)
    to_state = models.CharField(_("新状态"), max_length=12, blank=True)
    position = models.PositiveSmallIntegerField(_("环节"), null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    by_applicant = models.BooleanField(_("申请人操作"), default=False)
    office = models.CharField(_("办理机构"), max_length=100, blank=True)
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("办件记录")
        verbose_name_plural = _("办件记录")
        ordering = ["case", "at", "id"]
