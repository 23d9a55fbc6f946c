"""The household facts (三（七）), defined once over the registry's tables."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

import polars as pl
from django.db.models import Q

from jiuye.eligibility.exprs import latest_start, of_working_age
from jiuye.eligibility.policy import readings, stability_months, working_age
from jiuye.registry import models as m
from jiuye.registry.frames import Scope, TableRead, in_force, read_tables

I64, STR, DATE, BOOL = pl.Int64(), pl.String(), pl.Date(), pl.Boolean()


def household_facts(
    scope: Scope, as_of: date, *, params: Mapping[str, object] | None = None
) -> pl.DataFrame:
    """``id`` and the facts of the households in ``scope`` on ``as_of``, by id.

    ``params`` (parameter name → value) replaces the package's values on ``as_of``.
    """
    t = read_tables("household", _reads(), scope, as_of)
    households = t["households"].lazy()
    dibao = t["dibao"].lazy().unique().with_columns(pl.lit(True).alias("dibao"))
    members = t["members"].lazy()
    jobs = t["jobs"].lazy()
    regs = t["registrations"].lazy().unique().with_columns(pl.lit(True).alias("registered"))
    stable_job = _stable_job(as_of, *stability_months(as_of, params))
    per_person = (
        jobs.with_columns(stable_job.alias("stable"))
        .group_by("person_id")
        .agg(
            pl.when(pl.col("stable").eq_missing(True).any())
            .then(True)
            .when(pl.col("stable").is_null().any())
            .then(None)
            .otherwise(False)
            .alias("stable"),
            pl.lit(True).alias("has_job"),
        )
    )
    working = of_working_age(
        pl.col("person_sex"), pl.col("person_birth_date"), as_of, working_age(as_of)
    )
    able = pl.col("person_is_disabled").not_()
    has_job = pl.col("has_job").fill_null(False)
    registered = pl.col("registered").fill_null(False)
    employed = pl.when(has_job).then(True).when(registered).then(False).otherwise(None)
    stable = pl.when(has_job).then(pl.col("stable")).when(registered).then(False).otherwise(None)
    per = (
        members.filter(working)
        .join(per_person, on="person_id", how="left")
        .join(regs, on="person_id", how="left")
        .with_columns(able.alias("able"), employed.alias("employed"), stable.alias("stable"))
        .group_by("household_id")
        .agg(
            pl.col("person_is_disabled").is_null().any().alias("disability_unknown"),
            pl.col("able").sum().alias("able_n"),
            (pl.col("able") & pl.col("employed")).sum().alias("employed_n"),
            (pl.col("able") & pl.col("employed").is_null()).any().alias("employment_unknown"),
            (pl.col("able") & pl.col("stable")).sum().alias("stable_n"),
            (pl.col("able") & pl.col("stable").is_null()).any().alias("stable_unknown"),
        )
    )
    out = households.join(per, left_on="id", right_on="household_id", how="left").join(
        dibao, left_on="id", right_on="household_id", how="left"
    )
    known = pl.col("disability_unknown").fill_null(False).not_()
    return (
        out.select(
            pl.col("id"),
            pl.col("dibao").fill_null(False).alias("is_dibao_household"),
            pl.when(known).then(pl.col("able_n").fill_null(0)).cast(pl.Int64).alias("able_members"),
            pl.when(known & pl.col("employment_unknown").fill_null(False).not_())
            .then(pl.col("employed_n").fill_null(0))
            .cast(pl.Int64)
            .alias("employed_members"),
            pl.when(known & pl.col("stable_unknown").fill_null(False).not_())
            .then(pl.col("stable_n").fill_null(0))
            .cast(pl.Int64)
            .alias("stably_employed_members"),
        )
        .sort("id")
        .collect()
    )


def _reads() -> tuple[TableRead, ...]:
    """The rows the household facts read: each table once, its date window in SQL."""
    dibao = readings().DIBAO_STATUS

    def members_of(scope: Scope) -> Q:
        return scope.q("person__membership__household")

    return (
        TableRead("households", lambda s, d: m.Household.objects.filter(s.q()), {"id": I64}),
        TableRead(
            "dibao",
            lambda s, d: m.HouseholdStatus.objects.filter(
                s.q("household"), in_force("start", "end", d), kind=dibao
            ),
            {"household_id": I64},
        ),
        TableRead(
            "members",
            lambda s, d: m.HouseholdMember.objects.filter(s.q("household")),
            {
                "household_id": I64,
                "person_id": I64,
                "person__sex": STR,
                "person__birth_date": DATE,
                "person__is_disabled": BOOL,
            },
        ),
        TableRead(
            "jobs",
            lambda s, d: m.EmploymentRecord.objects.filter(
                members_of(s), in_force("start", "end", d)
            ),
            {"person_id": I64, "form": STR, "start": DATE, "contract_months": I64},
        ),
        TableRead(
            "registrations",
            lambda s, d: m.UnemploymentRegistration.objects.filter(
                members_of(s), in_force("registered_on", "ended_on", d)
            ),
            {"person_id": I64},
        ),
    )


def _stable_job(as_of: date, contract: int | None, continuous: int | None) -> pl.Expr:
    """Whether one job in force is 稳定就业 (see the readings); null when a figure is unknown."""
    form = pl.col("form")
    by_contract = (
        pl.col("contract_months") >= contract if contract is not None else pl.lit(None, pl.Boolean)
    )
    by_duration = (
        pl.col("start") <= latest_start(as_of, continuous)
        if continuous is not None
        else pl.lit(None, pl.Boolean)
    )
    return (
        pl.when(form == "employee")
        .then(by_contract)
        .when(form.is_in(readings().FLEXIBLE_FORMS))
        .then(by_duration)
        .otherwise(False)
    )
