"""The person facts, each defined once as a Polars expression over the registry's tables.

Every table is read once for the scope (a division's subtree or some people) with its
date window in SQL, then joined and derived here; one person's facts are these same
definitions over that person's rows. The readings are the package's
(:func:`jiuye.eligibility.policy.readings`).
"""

from __future__ import annotations

from datetime import date

import polars as pl
from django.db.models import Q

from jiuye.eligibility.exprs import hiring_unit_kind, relation_key
from jiuye.eligibility.policy import bindings, readings
from jiuye.registry import models as m
from jiuye.registry.frames import Scope, TableRead, in_force, read_tables

I64, STR, DATE, BOOL = pl.Int64(), pl.String(), pl.Date(), pl.Boolean()


def _latest(frame: pl.LazyFrame, when: str) -> pl.LazyFrame:
    """Each person's latest row by ``when`` (ties: the later record)."""
    return frame.sort(["person_id", when, "id"]).group_by("person_id").last()


def _flag(frame: pl.DataFrame, name: str) -> pl.LazyFrame:
    """``person_id`` and a true ``name`` for each person holding a row of ``frame``."""
    return frame.lazy().select("person_id").unique().with_columns(pl.lit(True).alias(name))


def _reads() -> tuple[TableRead, ...]:
    """The rows the person facts read: each table once, its date window in SQL."""
    r = readings()

    def mine(scope: Scope) -> Q:
        return scope.q("person")

    return (
        TableRead(
            "people",
            lambda s, d: m.Person.objects.filter(s.q()),
            {
                "id": I64,
                "resident_id": STR,
                "sex": STR,
                "birth_date": DATE,
                "division__code": STR,
                "hukou_type": STR,
                "education_level": STR,
                "graduation_date": DATE,
                "is_disabled": BOOL,
                "has_national_student_loan": BOOL,
                "has_social_insurance": BOOL,
                "pays_flexible_social_insurance": BOOL,
                "ui_contribution_months": I64,
            },
        ),
        TableRead(
            "certified",
            lambda s, d: m.DifficultyCertification.objects.filter(
                mine(s), in_force("start", "exit_on", d)
            ),
            {"person_id": I64},
        ),
        TableRead(
            "members",
            lambda s, d: m.HouseholdMember.objects.filter(mine(s)),
            {"person_id": I64, "household_id": I64, "relation": STR},
        ),
        TableRead(
            "statuses",
            lambda s, d: m.HouseholdStatus.objects.filter(
                s.q("household__members__person"), in_force("start", "end", d)
            ),
            {"household_id": I64, "kind": STR},
        ),
        TableRead(
            "registrations",
            lambda s, d: m.UnemploymentRegistration.objects.filter(
                mine(s), in_force("registered_on", "ended_on", d)
            ),
            {
                "id": I64,
                "person_id": I64,
                "registered_on": DATE,
                "laid_off_enterprise_worker": BOOL,
            },
        ),
        TableRead(
            "jobs",
            lambda s, d: m.EmploymentRecord.objects.filter(mine(s), in_force("start", "end", d)),
            {
                "id": I64,
                "person_id": I64,
                "start": DATE,
                "form": STR,
                "contract_months": I64,
                "employer_pays_social_insurance": BOOL,
                "employer__kind": STR,
                "employer__size_class": STR,
                "employer_id": I64,
            },
        ),
        TableRead(
            "businesses",
            lambda s, d: m.Business.objects.filter(mine(s), license_date__lte=d),
            {
                "id": I64,
                "person_id": I64,
                "license_date": DATE,
                "operating_since": DATE,
                "kind": STR,
                "status": STR,
            },
        ),
        TableRead(
            "trainings",
            lambda s, d: m.Training.objects.filter(mine(s), start__lte=d),
            {
                "id": I64,
                "person_id": I64,
                "start": DATE,
                "kind": STR,
                "class_hours": I64,
                "completed_on": DATE,
            },
        ),
        TableRead(
            "certificates",
            lambda s, d: m.Certificate.objects.filter(mine(s), issue_date__lte=d),
            {"id": I64, "person_id": I64, "issue_date": DATE, "level": I64, "shortage_trade": BOOL},
        ),
        TableRead(
            "received",
            lambda s, d: m.BenefitReceipt.objects.filter(
                mine(s), paid_on__lte=d, rule__in=bindings().receipt_rules
            ),
            {"person_id": I64, "rule": STR},
        ),
        TableRead(
            "transferred",
            lambda s, d: m.RuralTransferRegistration.objects.filter(
                mine(s), in_force("registered_on", "ended_on", d)
            ),
            {"person_id": I64},
        ),
        TableRead(
            "leaders",
            lambda s, d: m.Recognition.objects.filter(
                mine(s), in_force("recognised_on", "revoked_on", d), kind=r.CITY_LEADER_RECOGNITION
            ),
            {"person_id": I64},
        ),
        TableRead(
            "services",
            lambda s, d: m.GrassrootsService.objects.filter(mine(s), start__lte=d),
            {
                "id": I64,
                "person_id": I64,
                "start": DATE,
                "end": DATE,
                "program": STR,
                "assessment_passed": BOOL,
            },
        ),
    )


def read_person_tables(scope: Scope, as_of: date) -> dict[str, pl.DataFrame]:
    """The rows :func:`derive_person_facts` reads, for ``scope`` on ``as_of``."""
    return read_tables("person", _reads(), scope, as_of)


def person_facts(scope: Scope, as_of: date) -> pl.DataFrame:
    """``id`` and every person fact of the people in ``scope`` on ``as_of``, by id."""
    return derive_person_facts(read_person_tables(scope, as_of), as_of).collect()


def derive_person_facts(t: dict[str, pl.DataFrame], as_of: date) -> pl.LazyFrame:
    """The person facts over the tables of :func:`read_person_tables` (one plan)."""
    r = readings()
    statuses = (
        t["statuses"]
        .lazy()
        .group_by("household_id")
        .agg(
            *(
                (pl.col("kind") == kind).any().alias(f"__{name}")
                for name, kind in r.HOUSEHOLD_STATUS_FACTS.items()
            ),
            pl.col("kind").is_in(list(r.POOR_FAMILY_STATUSES)).any().alias("__poor"),
        )
    )
    regs = _latest(t["registrations"].lazy(), "registered_on").select(
        "person_id", pl.lit(True).alias("registered"), "laid_off_enterprise_worker"
    )
    jobs = t["jobs"].lazy()
    latest_job = _latest(jobs, "start").rename({"id": "job_id"})
    # any job in force in a non-farm form, not only the latest one
    non_farm = _flag(t["jobs"].filter(pl.col("form").is_in(r.TRANSFER_FORMS)), "__non_farm")
    businesses = t["businesses"].lazy()
    founded = businesses.group_by("person_id").len("business_count")
    business = (
        _latest(businesses, "license_date")
        .join(founded, on="person_id")
        .select(
            "person_id",
            pl.col("kind").alias("business_kind"),
            (pl.col("business_count") == 1).alias("is_first_business"),
            pl.col("license_date").alias("business_license_date"),
            (pl.col("status") == r.OPERATING_STATUS).alias("business_operating_normally"),
            pl.col("operating_since").alias("business_operating_since"),
        )
    )
    training = _latest(t["trainings"].lazy(), "start").select(
        "person_id",
        pl.col("kind").alias("training_kind"),
        pl.col("class_hours").alias("training_class_hours"),
        (pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= as_of)).alias(
            "training_completed"
        ),
    )
    certificate = _latest(t["certificates"].lazy(), "issue_date").select(
        "person_id",
        pl.col("level").alias("certificate_level"),
        pl.col("issue_date").alias("certificate_issue_date"),
        pl.col("shortage_trade").alias("certificate_shortage_trade"),
    )
    received = (
        t["received"]
        .lazy()
        .group_by("person_id")
        .agg(
            (pl.col("rule") == rule).any().alias(f"__received_{rule}")
            for rule in bindings().receipt_rules
        )
    )
    service = _latest(t["services"].lazy(), "start").select(
        "person_id",
        pl.col("program").alias("grassroots_program"),
        pl.col("start").alias("grassroots_service_start"),
        pl.when(pl.col("end") <= as_of)
        .then(pl.col("assessment_passed"))
        .alias("grassroots_assessment_passed"),
    )
    frame = (
        t["people"].lazy().join(t["members"].lazy(), left_on="id", right_on="person_id", how="left")
    )
    frame = frame.join(statuses, on="household_id", how="left")
    for part in (
        regs,
        latest_job,
        non_farm,
        business,
        training,
        certificate,
        received,
        service,
        _flag(t["certified"], "__certified"),
        _flag(t["transferred"], "__transferred"),
        _flag(t["leaders"], "__leader"),
    ):
        frame = frame.join(part, left_on="id", right_on="person_id", how="left")
    return frame.select(
        "id",
        "resident_id",
        "sex",
        "birth_date",
        "hukou_type",
        pl.col("division_code").str.starts_with(r.SONGYUAN_PREFIX).alias("hukou_in_songyuan"),
        *_education(as_of),
        "graduation_date",
        _held("__certified").alias("certified_difficulty"),
        *_household(),
        "is_disabled",
        "has_national_student_loan",
        "has_social_insurance",
        "pays_flexible_social_insurance",
        "ui_contribution_months",
        *_work(),
        "business_kind",
        "is_first_business",
        "business_license_date",
        "business_operating_normally",
        "business_operating_since",
        "training_kind",
        "training_class_hours",
        "training_completed",
        "certificate_level",
        "certificate_issue_date",
        "certificate_shortage_trade",
        *(
            _held(f"__received_{rule}").alias(f"received_{rule}")
            for rule in bindings().receipt_rules
        ),
        _rural_transfer_worker(),
        "grassroots_program",
        "grassroots_service_start",
        "grassroots_assessment_passed",
        _held("__leader").alias("city_return_entrepreneur_leader"),
    ).sort("id")


def _held(flag: str) -> pl.Expr:
    """A flag joined from another table: no row there is false."""
    return pl.col(flag).fill_null(False)


def _education(as_of: date) -> list[pl.Expr]:
    """高校毕业生、中职毕业生、未继续升学的初高中毕业生: unknown level, unknown answer."""
    r = readings()
    graduated = pl.col("graduation_date").is_null() | (pl.col("graduation_date") <= as_of)
    level = pl.col("education_level")
    known = level.is_not_null()
    return [
        pl.when(known)
        .then(level.is_in(list(r.COLLEGE_LEVELS)) & graduated)
        .alias("is_college_graduate"),
        pl.when(known)
        .then((level == r.VOCATIONAL_LEVEL) & graduated)
        .alias("is_vocational_graduate"),
        pl.when(known)
        .then(level.is_in(list(r.SCHOOL_LEAVER_LEVELS)) & graduated)
        .alias("school_leaver_not_continuing"),
    ]


def _household() -> list[pl.Expr]:
    """Household statuses in force, and 贫困家庭子女; not in a household: unknown."""
    r = readings()
    in_one = pl.col("household_id").is_not_null()
    child = relation_key(pl.col("relation")).is_in(sorted(r.CHILD_RELATIONS))
    return [
        *(
            pl.when(in_one).then(_held(f"__{name}")).alias(name)
            for name in r.HOUSEHOLD_STATUS_FACTS
        ),
        pl.when(in_one).then(_held("__poor") & child).alias("poor_family_child"),
    ]


def _work() -> list[pl.Expr]:
    """Unemployment registration and the latest job in force (see the readings)."""
    r = readings()
    registered = pl.col("registered").fill_null(False)
    has_job = pl.col("job_id").is_not_null()
    form, kind = pl.col("form"), pl.col("employer_kind")
    employee = form == "employee"
    return [
        registered.alias("registered_unemployed"),
        pl.when(registered).then(True).alias("seeking_work_or_business"),
        pl.when(registered)
        .then(pl.col("laid_off_enterprise_worker"))
        .alias("laid_off_enterprise_worker"),
        pl.when(has_job).then(True).when(registered).then(False).alias("employed"),
        pl.when(has_job).then(form == r.INTERNSHIP_FORM).alias("in_recognised_internship"),
        pl.when(has_job & form.is_in(r.ENGINE_FORMS))
        .then(form)
        .when(~has_job & registered)
        .then(pl.lit("unemployed"))
        .alias("employment_form"),
        pl.when(has_job & (~employee | pl.col("employer_id").is_not_null()))
        .then(employee & (kind == r.ENTERPRISE_KIND))
        .when(~has_job & registered)
        .then(False)
        .alias("is_enterprise_employee"),
        pl.when(has_job)
        .then(hiring_unit_kind(kind, pl.col("employer_size_class"), r.UNIT_KINDS, r.SMALL_MICRO))
        .when(registered)
        .then(pl.lit("none"))
        .alias("hiring_unit_kind"),
        pl.when(has_job & employee).then(pl.col("start")).alias("hire_date"),
        pl.when(has_job & employee).then(pl.col("contract_months")).alias("labor_contract_months"),
        pl.when(has_job & employee)
        .then(pl.col("employer_pays_social_insurance"))
        .alias("employer_pays_social_insurance"),
    ]


def _rural_transfer_worker() -> pl.Expr:
    hukou = pl.col("hukou_type")
    return (
        pl.when(_held("__transferred"))
        .then(True)
        .when(hukou == "urban")
        .then(False)
        .when((hukou == "rural") & _held("__non_farm"))
        .then(True)
        .otherwise(None)
        .alias("rural_transfer_worker")
    )
