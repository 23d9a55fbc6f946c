"""The person facts of a whole jurisdiction, set-based (see :mod:`jiuye.registry.frames`)."""

from __future__ import annotations

from datetime import date

import polars as pl

from jiuye.geo.models import Division
from jiuye.registry import models as m
from jiuye.registry import rules_terms as t
from jiuye.registry.frames_base import in_force, read, subtree
from jiuye.registry.models.choices import HIGHER_EDUCATION, RecognitionKind

I64, STR, DATE, BOOL = pl.Int64(), pl.String(), pl.Date(), pl.Boolean()


def _latest(frame: pl.DataFrame, when: str) -> pl.DataFrame:
    return frame.sort(["person_id", when, "id"]).group_by("person_id").last()


def person_frame(as_of: date, division: Division) -> pl.DataFrame:
    mine = subtree(division, "person__division")
    people = read(m.Person.objects.filter(subtree(division)), {
        "id": I64, "resident_id": STR, "division__code": STR, "hukou_type": STR,
        "education_level": STR, "graduation_date": DATE, "is_disabled": BOOL,
        "has_national_student_loan": BOOL, "has_social_insurance": BOOL,
        "pays_flexible_social_insurance": BOOL, "ui_contribution_months": I64})
    certified = read(m.DifficultyCertification.objects.filter(
        mine, in_force("start", "exit_on", as_of)), {"person_id": I64})["person_id"]
    members = read(m.HouseholdMember.objects.filter(mine),
                   {"person_id": I64, "household_id": I64, "relation": STR})
    statuses = read(m.HouseholdStatus.objects.filter(
        subtree(division, "household__members__person__division"),
        in_force("start", "end", as_of)).distinct(), {"household_id": I64, "kind": STR})
    status_cols = [
        pl.when(pl.col("household_id").is_null()).then(None)
        .otherwise(pl.col("household_id").is_in(
            statuses.filter(pl.col("kind") == kind)["household_id"].implode()))
        .alias(name) for name, kind in t.HOUSEHOLD_STATUS_FACTS.items()]
    poor = pl.col("household_id").is_in(statuses.filter(
        pl.col("kind").is_in(list(t.POOR_FAMILY_STATUSES)))["household_id"].implode())
    child = pl.col("relation").str.replace_all(t.RELATION_SPACE.pattern, "") \
        .is_in(sorted(t.CHILD_RELATIONS))
    regs = _latest(read(m.UnemploymentRegistration.objects.filter(
        mine, in_force("registered_on", "ended_on", as_of)), {
        "id": I64, "person_id": I64, "registered_on": DATE,
        "laid_off_enterprise_worker": BOOL}), "registered_on").select(
        "person_id", pl.lit(True).alias("registered"), "laid_off_enterprise_worker")
    all_jobs = read(m.EmploymentRecord.objects.filter(mine, in_force("start", "end", as_of)),
                    {"id": I64, "person_id": I64, "start": DATE, "form": STR,
                     "contract_months": I64, "employer_pays_social_insurance": BOOL,
                     "employer__kind": STR, "employer__size_class": STR, "employer_id": I64})
    jobs = _latest(all_jobs, "start")
    # any job in force in a non-farm form, not only the latest one
    non_farm = all_jobs.filter(pl.col("form").is_in(t.TRANSFER_FORMS))["person_id"]
    businesses = read(m.Business.objects.filter(mine, license_date__lte=as_of), {
        "id": I64, "person_id": I64, "license_date": DATE, "kind": STR, "status": STR})
    founded = businesses.group_by("person_id").len("business_count")
    business = _latest(businesses, "license_date").join(founded, on="person_id").select(
        "person_id", pl.col("kind").alias("business_kind"),
        (pl.col("business_count") == 1).alias("is_first_business"),
        pl.col("license_date").alias("business_license_date"),
        (pl.col("status") == "operating").alias("business_operating_normally"))
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
        mine, paid_on__lte=as_of, rule__in=t.RECEIPT_RULES), {"person_id": I64, "rule": STR})
    transferred = read(m.RuralTransferRegistration.objects.filter(
        mine, in_force("registered_on", "ended_on", as_of)), {"person_id": I64})["person_id"]
    leaders = read(m.Recognition.objects.filter(
        mine, in_force("recognised_on", "revoked_on", as_of),
        kind=RecognitionKind.CITY_RETURN_ENTREPRENEUR_LEADER), {"person_id": I64})["person_id"]
    service = _latest(read(m.GrassrootsService.objects.filter(mine, start__lte=as_of), {
        "id": I64, "person_id": I64, "start": DATE, "end": DATE, "program": STR,
        "assessment_passed": BOOL}), "start").select(
        "person_id", pl.col("program").alias("grassroots_program"),
        pl.col("start").alias("grassroots_service_start"),
        pl.when(pl.col("end") <= as_of).then(pl.col("assessment_passed"))
        .alias("grassroots_assessment_passed"))
    frame = (people.join(members, left_on="id", right_on="person_id", how="left")
             .join(regs, left_on="id", right_on="person_id", how="left")
             .join(jobs.rename({"id": "job_id"}), left_on="id", right_on="person_id",
                   how="left")
             .join(business, left_on="id", right_on="person_id", how="left")
             .join(training, left_on="id", right_on="person_id", how="left")
             .join(certificate, left_on="id", right_on="person_id", how="left")
             .join(service, left_on="id", right_on="person_id", how="left"))
    graduated = pl.col("graduation_date").is_null() | (pl.col("graduation_date") <= as_of)
    level = pl.col("education_level")
    registered = pl.col("registered").fill_null(False)
    has_job = pl.col("job_id").is_not_null()
    form = pl.col("form")
    kind = pl.col("employer_kind")
    employee = form == "employee"
    return frame.select(
        "id", "resident_id", "hukou_type",
        pl.col("division_code").str.starts_with(t.SONGYUAN_PREFIX).alias("hukou_in_songyuan"),
        pl.when(level.is_not_null()).then(level.is_in(list(HIGHER_EDUCATION)) & graduated)
        .alias("is_college_graduate"),
        pl.when(level.is_not_null()).then((level == "vocational") & graduated)
        .alias("is_vocational_graduate"),
        pl.when(level.is_not_null())
        .then(level.is_in(list(t.SCHOOL_LEAVER_LEVELS)) & graduated)
        .alias("school_leaver_not_continuing"),
        "graduation_date",
        pl.col("id").is_in(certified.implode()).alias("certified_difficulty"),
        *status_cols,
        pl.when(pl.col("household_id").is_not_null()).then(poor & child)
        .alias("poor_family_child"),
        "is_disabled", "has_national_student_loan", "has_social_insurance",
        "pays_flexible_social_insurance", "ui_contribution_months",
        registered.alias("registered_unemployed"),
        pl.when(registered).then(True).alias("seeking_work_or_business"),
        pl.when(registered).then(pl.col("laid_off_enterprise_worker"))
        .alias("laid_off_enterprise_worker"),
        pl.when(has_job).then(True).when(registered).then(False).alias("employed"),
        pl.when(has_job).then(form == "internship").alias("in_recognised_internship"),
        pl.when(has_job & form.is_in(t.ENGINE_FORMS)).then(form)
        .when(~has_job & registered).then(pl.lit("unemployed")).alias("employment_form"),
        pl.when(has_job & (~employee | pl.col("employer_id").is_not_null()))
        .then(employee & (kind == "enterprise"))
        .when(~has_job & registered).then(False).alias("is_enterprise_employee"),
        pl.when(has_job).then(_hiring_unit_kind(kind, pl.col("employer_size_class")))
        .when(registered).then(pl.lit("none")).alias("hiring_unit_kind"),
        pl.when(has_job & employee).then(pl.col("start")).alias("hire_date"),
        pl.when(has_job & employee).then(pl.col("contract_months"))
        .alias("labor_contract_months"),
        pl.when(has_job & employee).then(pl.col("employer_pays_social_insurance"))
        .alias("employer_pays_social_insurance"),
        "business_kind", "is_first_business", "business_license_date",
        "business_operating_normally", "training_kind", "training_class_hours",
        "training_completed", "certificate_level", "certificate_issue_date",
        "certificate_shortage_trade",
        *(pl.col("id").is_in(received.filter(pl.col("rule") == rule)["person_id"].implode())
          .alias(f"received_{rule}") for rule in t.RECEIPT_RULES),
        _rural_transfer_worker(transferred, non_farm),
        "grassroots_program", "grassroots_service_start", "grassroots_assessment_passed",
        pl.col("id").is_in(leaders.implode()).alias("city_return_entrepreneur_leader"),
    ).sort("id")


def _rural_transfer_worker(transferred: pl.Series, non_farm: pl.Series) -> pl.Expr:
    person, hukou = pl.col("id"), pl.col("hukou_type")
    return (pl.when(person.is_in(transferred.implode())).then(True)
            .when(hukou == "urban").then(False)
            .when((hukou == "rural") & person.is_in(non_farm.implode())).then(True)
            .otherwise(None).alias("rural_transfer_worker"))


def _hiring_unit_kind(kind: pl.Expr, size: pl.Expr) -> pl.Expr:
    return (pl.when(kind.is_in(["public_sector", "social_organization"])).then(kind)
            .when(size.is_null()).then(None)
            .when(size.is_in(list(t.SMALL_MICRO))).then(pl.lit("small_micro_enterprise"))
            .otherwise(pl.lit("other_enterprise")))
