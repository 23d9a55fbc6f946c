"""The employer facts, defined once over the registry's tables.

"Last year" is the calendar year before the as-of date, "this year" its own year.
"""

from __future__ import annotations

from datetime import date

import polars as pl

from jiuye.registry import models as m
from jiuye.registry.frames import Scope, read

I64, STR, BOOL = pl.Int64(), pl.String(), pl.Boolean()


def employer_facts(scope: Scope, as_of: date) -> pl.DataFrame:
    """``id`` and the facts of the employers in ``scope`` on ``as_of``, by id."""
    employers = read(
        m.Employer.objects.filter(scope.q()),
        {"id": I64, "credit_code": STR, "ownership": STR, "pooling_region_code": STR},
    )
    year_cols = {
        "employer_id": I64,
        "year": I64,
        "ui_insured": BOOL,
        "ui_premiums_fen": I64,
        "ui_arrears_fen": I64,
        "avg_insured": I64,
        "layoffs": I64,
        "recruitment_posts": I64,
        "veteran_posts": I64,
        "stabilization_measures": BOOL,
        "apprenticeship_pilot": BOOL,
        "apprenticeship_training": BOOL,
    }
    years = read(
        m.EmployerYear.objects.filter(scope.q("employer"), year__in=(as_of.year - 1, as_of.year)),
        year_cols,
    ).lazy()
    last = years.filter(pl.col("year") == as_of.year - 1).select(
        pl.col("employer_id"),
        pl.col("layoffs").alias("last_year_layoffs"),
        pl.col("avg_insured").alias("last_year_avg_insured"),
        pl.col("ui_premiums_fen").alias("last_year_ui_premiums"),
    )
    this = years.filter(pl.col("year") == as_of.year).select(
        pl.col("employer_id"),
        pl.col("ui_insured"),
        (pl.col("ui_arrears_fen") == 0).alias("ui_premiums_paid_in_full"),
        pl.col("stabilization_measures"),
        (pl.col("recruitment_posts") > 0).alias("recruiting_new_staff"),
        pl.col("recruitment_posts").alias("new_recruitment_posts"),
        pl.col("veteran_posts").alias("veteran_recruitment_posts"),
        pl.col("apprenticeship_pilot"),
        pl.col("apprenticeship_training").alias("apprenticeship_training_conducted"),
    )
    codes = employers["pooling_region_code"].drop_nulls().unique().to_list()
    rates = (
        read(
            m.UnemploymentRate.objects.filter(year=as_of.year - 1, region_code__in=codes),
            {"region_code": STR, "rate_bp": I64},
        )
        .rename({"rate_bp": "pooling_region_unemployment_rate"})
        .lazy()
    )
    return (
        employers.lazy()
        .join(rates, left_on="pooling_region_code", right_on="region_code", how="left")
        .join(last, left_on="id", right_on="employer_id", how="left")
        .join(this, left_on="id", right_on="employer_id", how="left")
        .sort("id")
        .collect()
    )
