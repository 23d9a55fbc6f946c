"""The person facts, each defined once as a Polars expression over the registry's tables.

Every table is read once for the scope (a division's subtree or some people) with its
date window in SQL, then joined and derived here; one person's facts are these same
definitions over that person's rows. The readings are the package's
(:func:`jiuye.eligibility.policy.readings`).
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jiuye.eligibility.exprs import hiring_unit_kind, relation_key
from jiuye.eligibility.policy import readings
from jiuye.registry import models as m
from jiuye.registry.frames import Scope, in_force, read

I64, STR, DATE, BOOL = pl.Int64(), pl.String(), pl.Date(), pl.Boolean()


def _latest(frame: pl.DataFrame, when: str) -> pl.DataFrame:
    """Each person's latest row by ``when`` (ties: the later record)."""
    return frame.sort(["person_id", when, "id"]).group_by("person_id").last()


def _holders(frame: pl.DataFrame) -> pl.Series:
    return frame["person_id"].implode()


def person_facts(scope: Scope, as_of: date) -> pl.DataFrame:
    """``id`` and every person fact of the people in ``scope`` on ``as_of``, by id."""
    r = readings()
    mine = scope.q("person")
    people = read(m.Person.objects.filter(scope.q()), {
        "id": I64, "resident_id": STR, "sex": STR, "birth_date": DATE, "division__code": STR,
        "hukou_type": STR, "education_level": STR, "graduation_date": DATE,
        "is_disabled": BOOL, "has_national_student_loan": BOOL, "has_social_insurance": BOOL,
        "pays_flexible_social_insurance": BOOL, "ui_contribution_months": I64})
    certified = read(m.DifficultyCertification.objects.filter(
        mine, in_force("start", "exit_on", as_of)), {"person_id": I64})
    members = read(m.HouseholdMember.objects.filter(mine),
                   {"person_id": I64, "household_id": I64, "relation": STR})
    statuses = read(m.HouseholdStatus.objects.filter(
        scope.q("household__members__person"), in_force("start", "end", as_of)).distinct(),
        {"household_id": I64, "kind": STR})
    regs = _latest(read(m.UnemploymentRegistration.objects.filter(
        mine, in_force("registered_on", "ended_on", as_of)), {
        "id": I64, "person_id": I64, "registered_on": DATE,
        "laid_off_enterprise_worker": BOOL}), "registered_on").select(
        "person_id", pl.lit(True).alias("registered"), "laid_off_enterprise_worker")
    all_jobs = read(m.EmploymentRecord.objects.filter(mine, in_force("start", "end", as_of)),
                    {"id": I64, "person_id": I64, "start": DATE, "form": STR,
                     "contract_months": I64, "employer_pays_social_insurance": BOOL,
                     "employer__kind": STR, "employer__size_class": STR, "employer_id": I64})
    jobs = _latest(all_jobs, "start").rename({"id": "job_id"})
    # any job in force in a non-farm form, not only the latest one
    non_farm = all_jobs.filter(pl.col("form").is_in(r.TRANSFER_FORMS))
    businesses = read(m.Business.objects.filter(mine, license_date__lte=as_of), {
        "id": I64, "person_id": I64, "license_date": DATE, "operating_since": DATE,
        "kind": STR, "status": STR})
    founded = businesses.group_by("person_id").len("business_count")
    business = _latest(businesses, "license_date").join(founded, on="person_id").select(
        "person_id", pl.col("kind").alias("business_kind"),
        (pl.col("business_count") == 1).alias("is_first_business"),
        pl.col("license_date").alias("business_license_date"),
        (pl.col("status") == r.OPERATING_STATUS).alias("business_operating_normally"),
        pl.col("operating_since").alias("business_operating_since"))
    training = _latest(read(m.Training.objects.filter(mine, start__lte=as_of), {
        "id": I64, "person_id": I64, "start": DATE, "kind": STR, "class_hours": I64,
        "completed_on": DATE}), "start").select(
        "person_id", pl.col("kind").alias("training_kind"),
        pl.col("class_hours").alias("training_class_hours"),
        (pl.col("completed_on").is_not_null() & (pl.col("completed_on") <= as_of))
        .alias("training_completed"))
    certificate = _latest(read(m.Certificate.objects.filter(mine, issue_date__lte=as_of), {
        "id": I64, "person_id": I64, "issue_date": DATE, "level": I64,
        "shortage_trade": BOOL}), "issue_date").select(
        "person_id", pl.col("level").alias("certificate_level"),
        pl.col("issue_date").alias("certificate_issue_date"),
        pl.col("shortage_trade").alias("certificate_shortage_trade"))
    received = read(m.BenefitReceipt.objects.filter(
        mine, paid_on__lte=as_of, rule__in=r.RECEIPT_RULES), {"person_id": I64, "rule": STR})
    transferred = read(m.RuralTransferRegistration.objects.filter(
        mine, in_force("registered_on", "ended_on", as_of)), {"person_id": I64})
    leaders = read(m.Recognition.objects.filter(
        mine, in_force("recognised_on", "revoked_on", as_of),
        kind=r.CITY_LEADER_RECOGNITION), {"person_id": I64})
    service = _latest(read(m.GrassrootsService.objects.filter(mine, start__lte=as_of), {
        "id": I64, "person_id": I64, "start": DATE, "end": DATE, "program": STR,
        "assessment_passed": BOOL}), "start").select(
        "person_id", pl.col("program").alias("grassroots_program"),
        pl.col("start").alias("grassroots_service_start"),
        pl.when(pl.col("end") <= as_of).then(pl.col("assessment_passed"))
        .alias("grassroots_assessment_passed"))
    frame = people
    for part in (members, regs, jobs, business, training, certificate, service):
        frame = frame.join(part, left_on="id", right_on="person_id", how="left")
    return frame.select(
        "id", "resident_id", "sex", "birth_date", "hukou_type",
        pl.col("division_code").str.starts_with(r.SONGYUAN_PREFIX).alias("hukou_in_songyuan"),
        *_education(as_of),
        "graduation_date",
        pl.col("id").is_in(_holders(certified)).alias("certified_difficulty"),
        *_household(statuses),
        "is_disabled", "has_national_student_loan", "has_social_insurance",
        "pays_flexible_social_insurance", "ui_contribution_months",
        *_work(),
        "business_kind", "is_first_business", "business_license_date",
        "business_operating_normally", "business_operating_since",
        "training_kind", "training_class_hours", "training_completed",
        "certificate_level", "certificate_issue_date", "certificate_shortage_trade",
        *(pl.col("id").is_in(_holders(received.filter(pl.col("rule") == rule)))
          .alias(f"received_{rule}") for rule in r.RECEIPT_RULES),
        _rural_transfer_worker(transferred, non_farm),
        "grassroots_program", "grassroots_service_start", "grassroots_assessment_passed",
        pl.col("id").is_in(_holders(leaders)).alias("city_return_entrepreneur_leader"),
    ).sort("id")


def _education(as_of: date) -> list[pl.Expr]:
    """高校毕业生、中职毕业生、未继续升学的初高中毕业生: unknown level, unknown answer."""
    r = readings()
    graduated = pl.col("graduation_date").is_null() | (pl.col("graduation_date") <= as_of)
    level = pl.col("education_level")
    known = level.is_not_null()
    return [
        pl.when(known).then(level.is_in(list(r.COLLEGE_LEVELS)) & graduated)
        .alias("is_college_graduate"),
        pl.when(known).then((level == r.VOCATIONAL_LEVEL) & graduated)
        .alias("is_vocational_graduate"),
        pl.when(known).then(level.is_in(list(r.SCHOOL_LEAVER_LEVELS)) & graduated)
        .alias("school_leaver_not_continuing"),
    ]


def _household(statuses: pl.DataFrame) -> list[pl.Expr]:
    """Household statuses in force, and 贫困家庭子女; not in a household: unknown."""
    r = readings()
    household = pl.col("household_id")
    in_one = household.is_not_null()
    by_status = [
        pl.when(in_one).then(household.is_in(
            statuses.filter(pl.col("kind") == kind)["household_id"].implode())).alias(name)
        for name, kind in r.HOUSEHOLD_STATUS_FACTS.items()]
    poor = household.is_in(statuses.filter(
        pl.col("kind").is_in(list(r.POOR_FAMILY_STATUSES)))["household_id"].implode())
    child = relation_key(pl.col("relation")).is_in(sorted(r.CHILD_RELATIONS))
    return [*by_status, pl.when(in_one).then(poor & child).alias("poor_family_child")]


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
        pl.when(registered).then(pl.col("laid_off_enterprise_worker"))
        .alias("laid_off_enterprise_worker"),
        pl.when(has_job).then(True).when(registered).then(False).alias("employed"),
        pl.when(has_job).then(form == r.INTERNSHIP_FORM).alias("in_recognised_internship"),
        pl.when(has_job & form.is_in(r.ENGINE_FORMS)).then(form)
        .when(~has_job & registered).then(pl.lit("unemployed")).alias("employment_form"),
        pl.when(has_job & (~employee | pl.col("employer_id").is_not_null()))
        .then(employee & (kind == r.ENTERPRISE_KIND))
        .when(~has_job & registered).then(False).alias("is_enterprise_employee"),
        pl.when(has_job).then(hiring_unit_kind(kind, pl.col("employer_size_class"),
                                               r.UNIT_KINDS, r.SMALL_MICRO))
        .when(registered).then(pl.lit("none")).alias("hiring_unit_kind"),
        pl.when(has_job & employee).then(pl.col("start")).alias("hire_date"),
        pl.when(has_job & employee).then(pl.col("contract_months"))
        .alias("labor_contract_months"),
        pl.when(has_job & employee).then(pl.col("employer_pays_social_insurance"))
        .alias("employer_pays_social_insurance"),
    ]


def _rural_transfer_worker(transferred: pl.DataFrame, non_farm: pl.DataFrame) -> pl.Expr:
    person, hukou = pl.col("id"), pl.col("hukou_type")
    return (pl.when(person.is_in(_holders(transferred))).then(True)
            .when(hukou == "urban").then(False)
            .when((hukou == "rural") & person.is_in(_holders(non_farm))).then(True)
            .otherwise(None).alias("rural_transfer_worker"))
