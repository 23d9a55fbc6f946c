"""Facts for every person, household or employer of a jurisdiction, as one Polars frame.

Set-based: each table is read once with ``values_list`` (filters and date windows in
SQL), then joined and derived in Polars; no per-row Python over ORM objects. Columns are
``id`` and the engine's fact columns in the engine's types (dates, fen, 1/100 percent);
null where the registry does not know. The same definitions as the single-record
selectors (:mod:`jiuye.registry.rules_terms`); a test keeps them equal.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import polars as pl

from jiuye.geo.models import Division
from jiuye.registry import models as m
from jiuye.registry import rules_terms as t
from jiuye.registry.frames_base import age_expr, in_force, read, subtree
from jiuye.registry.frames_people import person_frame

__all__ = ["facts_frame", "read", "row_facts", "subtree", "write_parquet"]

ENTITIES = ("person", "household", "employer")


def facts_frame(entity: str, as_of: date, division: Division, *,
                params: Mapping[str, object] | None = None) -> pl.DataFrame:
    """The facts of every ``entity`` ("person", "household", "employer") under ``division``.

    ``params`` (parameter name → value) replaces the package's values on ``as_of``.
    """
    if entity == "person":
        return person_frame(as_of, division)
    if entity == "household":
        return household_frame(as_of, division, params=params)
    if entity == "employer":
        return employer_frame(as_of, division)
    raise ValueError(f"entity must be one of {ENTITIES}")


def write_parquet(entity: str, as_of: date, division: Division, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{entity}_facts_{division.code}_{as_of.isoformat()}.parquet"
    facts_frame(entity, as_of, division).write_parquet(path)
    return path


def row_facts(row: dict[str, Any], entity: str) -> dict[str, Any]:
    """One frame row as case facts in the engine's JSON forms, unknowns left out."""
    from jiuye.evaluation import package

    specs = {s.name: s for s in package().facts.for_entity(entity)}
    return {k: specs[k].to_json(v) for k, v in row.items() if k in specs and v is not None}


def household_frame(as_of: date, division: Division, *,
                    params: Mapping[str, object] | None = None) -> pl.DataFrame:
    households = read(m.Household.objects.filter(subtree(division)), {"id": pl.Int64()})
    in_sub = subtree(division, "household__division")
    dibao = read(m.HouseholdStatus.objects.filter(
        in_sub, in_force("start", "end", as_of), kind=m.HouseholdStatusKind.DIBAO),
        {"household_id": pl.Int64()})["household_id"]
    members = read(m.HouseholdMember.objects.filter(in_sub), {
        "household_id": pl.Int64(), "person_id": pl.Int64(), "person__sex": pl.String(),
        "person__birth_date": pl.Date(), "person__is_disabled": pl.Boolean()})
    person_in_sub = subtree(division, "person__membership__household__division")
    jobs = read(m.EmploymentRecord.objects.filter(person_in_sub, in_force("start", "end", as_of)),
                {"person_id": pl.Int64(), "form": pl.String(), "start": pl.Date(),
                 "contract_months": pl.Int64()})
    stable_job = _stable_job(as_of, *t.stability_months(as_of, params))
    per_person = jobs.with_columns(stable_job.alias("stable")).group_by("person_id").agg(
        pl.when(pl.col("stable").eq_missing(True).any()).then(True)
        .when(pl.col("stable").is_null().any()).then(None)
        .otherwise(False).alias("stable"))
    regs = read(m.UnemploymentRegistration.objects.filter(
        person_in_sub, in_force("registered_on", "ended_on", as_of)),
        {"person_id": pl.Int64()})["person_id"]
    age = age_expr(pl.col("person_birth_date"), as_of)
    working = pl.when(pl.col("person_sex") == "male").then(age.is_between(16, 59)) \
        .otherwise(age.is_between(16, 54)) & (pl.col("person_birth_date") <= as_of)
    members = members.with_columns(working.alias("working")).filter("working")
    able = pl.col("person_is_disabled").not_()
    has_job = pl.col("stable_job").is_not_null()
    registered = pl.col("person_id").is_in(regs.implode())
    employed = pl.when(has_job).then(True).when(registered).then(False).otherwise(None)
    stable = (pl.when(has_job).then(pl.col("stable")).when(registered).then(False)
              .otherwise(None))
    per = (members.join(per_person.with_columns(pl.lit(True).alias("stable_job")),
                        on="person_id", how="left")
           .with_columns(able.alias("able"), employed.alias("employed"),
                         stable.alias("stable"))
           .group_by("household_id").agg(
               pl.col("person_is_disabled").is_null().any().alias("disability_unknown"),
               pl.col("able").sum().alias("able_n"),
               (pl.col("able") & pl.col("employed")).sum().alias("employed_n"),
               (pl.col("able") & pl.col("employed").is_null()).any()
               .alias("employment_unknown"),
               (pl.col("able") & pl.col("stable")).sum().alias("stable_n"),
               (pl.col("able") & pl.col("stable").is_null()).any().alias("stable_unknown")))
    out = households.join(per, left_on="id", right_on="household_id", how="left")
    known = pl.col("disability_unknown").fill_null(False).not_()
    return out.select(
        pl.col("id"),
        pl.col("id").is_in(dibao.implode()).alias("is_dibao_household"),
        pl.when(known).then(pl.col("able_n").fill_null(0)).cast(pl.Int64).alias("able_members"),
        pl.when(known & pl.col("employment_unknown").fill_null(False).not_())
        .then(pl.col("employed_n").fill_null(0)).cast(pl.Int64).alias("employed_members"),
        pl.when(known & pl.col("stable_unknown").fill_null(False).not_())
        .then(pl.col("stable_n").fill_null(0)).cast(pl.Int64).alias("stably_employed_members"),
    ).sort("id")


def _stable_job(as_of: date, contract: int | None, continuous: int | None) -> pl.Expr:
    """Whether one job in force is 稳定就业 (see rules_terms); null when a figure is unknown."""
    form = pl.col("form")
    by_contract = (pl.col("contract_months") >= contract if contract is not None
                   else pl.lit(None, pl.Boolean))
    by_duration = (pl.col("start") <= t.latest_start(as_of, continuous)
                   if continuous is not None else pl.lit(None, pl.Boolean))
    return (pl.when(form == "employee").then(by_contract)
            .when(form.is_in(t.FLEXIBLE_FORMS)).then(by_duration)
            .otherwise(False))


def employer_frame(as_of: date, division: Division) -> pl.DataFrame:
    employers = read(m.Employer.objects.filter(subtree(division)), {
        "id": pl.Int64(), "credit_code": pl.String(), "ownership": pl.String(),
        "pooling_region_code": pl.String()})
    year_cols = {"employer_id": pl.Int64(), "year": pl.Int64(), "ui_insured": pl.Boolean(),
                 "ui_premiums_fen": pl.Int64(), "ui_arrears_fen": pl.Int64(),
                 "avg_insured": pl.Int64(), "layoffs": pl.Int64(),
                 "recruitment_posts": pl.Int64(), "veteran_posts": pl.Int64(),
                 "stabilization_measures": pl.Boolean(), "apprenticeship_pilot": pl.Boolean(),
                 "apprenticeship_training": pl.Boolean()}
    years = read(m.EmployerYear.objects.filter(
        subtree(division, "employer__division"), year__in=(as_of.year - 1, as_of.year)),
        year_cols)
    last = years.filter(pl.col("year") == as_of.year - 1).select(
        pl.col("employer_id"), pl.col("layoffs").alias("last_year_layoffs"),
        pl.col("avg_insured").alias("last_year_avg_insured"),
        pl.col("ui_premiums_fen").alias("last_year_ui_premiums"))
    this = years.filter(pl.col("year") == as_of.year).select(
        pl.col("employer_id"), pl.col("ui_insured"),
        (pl.col("ui_arrears_fen") == 0).alias("ui_premiums_paid_in_full"),
        pl.col("stabilization_measures"),
        (pl.col("recruitment_posts") > 0).alias("recruiting_new_staff"),
        pl.col("recruitment_posts").alias("new_recruitment_posts"),
        pl.col("veteran_posts").alias("veteran_recruitment_posts"),
        pl.col("apprenticeship_pilot"),
        pl.col("apprenticeship_training").alias("apprenticeship_training_conducted"))
    rates = read(m.UnemploymentRate.objects.filter(year=as_of.year - 1), {
        "region_code": pl.String(), "rate_bp": pl.Int64()}).rename(
        {"rate_bp": "pooling_region_unemployment_rate"})
    return (employers
            .join(rates, left_on="pooling_region_code", right_on="region_code", how="left")
            .join(last, left_on="id", right_on="employer_id", how="left")
            .join(this, left_on="id", right_on="employer_id", how="left")
            .sort("id"))
