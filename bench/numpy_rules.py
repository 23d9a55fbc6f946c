"""The person and employer rules of the Songyuan package, hand-written in numpy.

The baseline of ``bench/engine.py``: the same rules (status in Kleene logic, amount in
fen; no missing-fact masks), over the same columns, with a date per row or one date.
A value is a pair of Boolean arrays (known true, known false); unknown is neither.
Parameters are read from the package on the first as-of day, as the engine's plan does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
import polars as pl

from jiuye.rules import PolicyPackage

Array = np.ndarray[Any, Any]
_EPOCH = date(1970, 1, 1).toordinal()


@dataclass
class K:
    """A Kleene value per row: ``t`` known true, ``f`` known false."""

    t: Array
    f: Array

    def __and__(self, o: K) -> K:
        return K(self.t & o.t, self.f | o.f)

    def __or__(self, o: K) -> K:
        return K(self.t | o.t, self.f & o.f)

    def __invert__(self) -> K:
        return K(self.f, self.t)

    def status(self) -> Array:
        """0 false, 1 true, 2 unknown."""
        return np.where(self.t, 1, np.where(self.f, 0, 2)).astype(np.int8)


class Columns:
    """Values and validity of a frame's columns, as numpy arrays (extracted once)."""

    def __init__(self, frame: pl.DataFrame) -> None:
        self.valid = {c: frame[c].is_not_null().to_numpy() for c in frame.columns}
        self.values: dict[str, Array] = {}
        for name, dtype in frame.schema.items():
            col = frame[name]
            if dtype == pl.Date:
                self.values[name] = col.cast(pl.Int32).fill_null(0).to_numpy()
            elif dtype == pl.Boolean:
                self.values[name] = col.fill_null(False).to_numpy()
            elif dtype == pl.String:
                self.values[name] = col.fill_null("").to_numpy().astype(str)
            else:
                self.values[name] = col.fill_null(0).to_numpy()

    def b(self, name: str) -> K:
        v, ok = self.values[name], self.valid[name]
        return K(ok & v, ok & ~v)

    def cmp(self, name: str, test: Array) -> K:
        ok = self.valid[name]
        return K(ok & test, ok & ~test)


def _ymd(days: Array) -> tuple[Array, Array, Array]:
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    years = months.astype("datetime64[Y]")
    y = years.astype(np.int64) + 1970
    m = (months - years).astype(np.int64) + 1
    day = (d - months).astype(np.int64) + 1
    return y, m, day


def add_months(days: Array, n: int) -> Array:
    """The corresponding day ``n`` months later (the month's last day when none)."""
    d = days.astype("datetime64[D]")
    months = d.astype("datetime64[M]")
    day = (d - months).astype(np.int64)
    target = months + n
    length = ((target + 1).astype("datetime64[D]") - target.astype("datetime64[D]")).astype(
        np.int64
    )
    return (target.astype("datetime64[D]") + np.minimum(day, length - 1)).astype(np.int64)


def age(births: Array, on: Array) -> Array:
    by, bm, bd = _ymd(births)
    oy, om, od = _ymd(on)
    key = bm * 100 + bd
    leap = (oy % 4 == 0) & ((oy % 100 != 0) | (oy % 400 == 0))
    key = np.where((key == 229) & ~leap, 228, key)
    return oy - by - ((om * 100 + od) < key)


def _within(c: Columns, start: str, on: Array, n: int, table: tuple[int, Array]) -> K:
    """as-of ≤ the n-month deadline from ``start``, moved past rest days (a lookup table)."""
    last = add_months(c.values[start], n)
    first, ext = table
    index = last - first
    inside = (index >= 0) & (index < len(ext))
    extended = ext[np.clip(index, 0, len(ext) - 1)]
    ext_ok = inside & (extended >= 0)
    ok = c.valid[start]
    t = ok & ((on <= last) | (ext_ok & (on <= extended)))
    f = ok & (on > last) & ext_ok & (on > extended)
    return K(t, f)


def person_rules(
    pkg: PolicyPackage, c: Columns, on: Array, day: date, calendar_table: tuple[int, Array]
) -> dict[str, Array]:
    """Status (and amount) arrays of every person rule."""
    p: Mapping[str, Any] = pkg.params_at(day)
    v, ok = c.values, c.valid
    n = len(on)
    no = np.zeros(n, dtype=bool)
    unknown = K(no, no)
    years = _ymd(on)[0]

    grad = c.b("is_college_graduate")
    grad_year = c.cmp("graduation_date", _ymd(v["graduation_date"])[0] == years)
    in_year = grad_year
    a = age(v["birth_date"], on)
    age_ok = ok["birth_date"]
    working = K(
        age_ok & (a >= p["working_age.min_years"]), age_ok & (a < p["working_age.min_years"])
    ) & (
        K(
            age_ok & (a <= p["working_age.max_years_female"]),
            age_ok & (a > p["working_age.max_years_female"]),
        )
        | (
            c.cmp("sex", v["sex"] == "male")
            & K(
                age_ok & (a <= p["working_age.max_years_male"]),
                age_ok & (a > p["working_age.max_years_male"]),
            )
        )
    )
    jdlk = (
        c.cmp("hukou_type", v["hukou_type"] == "rural")
        & c.b("hukou_in_songyuan")
        & c.b("household_jdlk_poor")
        & working
    )
    difficulty = c.b("certified_difficulty") | jdlk
    out: dict[str, Array] = {
        "employment_difficulty_person": difficulty.status(),
        "graduation_year_status": (grad & in_year).status(),
    }

    months = p["startup_subsidy.min_operating_months"]
    startup = (
        (grad | difficulty)
        & c.b("is_first_business")
        & c.cmp(
            "business_kind",
            np.isin(v["business_kind"], ["small_micro_enterprise", "individual_business"]),
        )
        & c.cmp("business_license_date", v["business_license_date"] <= on)
        & c.cmp("business_operating_since", on >= add_months(v["business_operating_since"], months))
        & c.b("business_operating_normally")
        & c.b("has_social_insurance")
        & ~c.b("received_startup_subsidy")
    )
    out["startup_subsidy"] = startup.status()
    out["startup_subsidy__amount_fen"] = np.where(startup.t, p["startup_subsidy.amount_fen"], -1)

    seeking = (
        grad
        & in_year
        & c.b("seeking_work_or_business")
        & (
            c.b("household_dibao")
            | c.b("household_poor_disabled")
            | c.b("household_jdlk_poor")
            | c.b("is_tekun")
            | c.b("is_disabled")
            | c.b("has_national_student_loan")
        )
        & ~c.b("received_job_seeking_subsidy")
    )
    out["job_seeking_subsidy"] = seeking.status()
    out["internship_subsidy"] = (
        (grad | c.b("is_vocational_graduate")) & c.b("in_recognised_internship")
    ).status()
    hired_year = ok["hire_date"] & ok["graduation_date"]
    same = _ymd(v["hire_date"])[0] == _ymd(v["graduation_date"])[0]
    out["graduate_hiring_social_insurance_subsidy"] = (
        grad
        & c.cmp(
            "hiring_unit_kind",
            np.isin(v["hiring_unit_kind"], ["small_micro_enterprise", "social_organization"]),
        )
        & K(hired_year & same, hired_year & ~same)
        & c.cmp(
            "labor_contract_months",
            v["labor_contract_months"]
            >= p["graduate_hiring_social_insurance_subsidy.min_contract_months"],
        )
        & c.b("employer_pays_social_insurance")
    ).status()
    out["graduate_flexible_employment_social_insurance_subsidy"] = (
        grad
        & c.cmp("employment_form", np.isin(v["employment_form"], ["flexible", "self_employed"]))
        & c.b("pays_flexible_social_insurance")
    ).status()
    service = p["grassroots_service_establishment.min_service_months"]
    out["grassroots_service_establishment"] = (
        grad
        & c.cmp(
            "grassroots_program",
            np.isin(v["grassroots_program"], ["xuandiao", "sanzhi_yifu", "xibu", "tegang"]),
        )
        & c.cmp(
            "grassroots_service_start", on >= add_months(v["grassroots_service_start"], service)
        )
        & c.b("grassroots_assessment_passed")
    ).status()
    out["return_home_entrepreneurship_support"] = c.b("city_return_entrepreneur_leader").status()
    rural = (
        c.cmp("hukou_type", v["hukou_type"] == "rural")
        & c.cmp("training_kind", v["training_kind"] == "employment_skills")
        & c.b("training_completed")
    )
    out["rural_skills_training_subsidy"] = rural.status()
    hours = ok["training_class_hours"] & rural.t
    out["rural_skills_training_subsidy__amount_fen"] = np.where(
        hours,
        v["training_class_hours"] * p["rural_skills_training_subsidy.rate_fen_per_class_hour"],
        -1,
    )
    out["vocational_training_subsidy"] = (
        (
            c.b("laid_off_enterprise_worker")
            | c.b("household_jdlk_poor")
            | c.b("poor_family_child")
            | (grad & in_year)
            | c.b("school_leaver_not_continuing")
            | c.b("rural_transfer_worker")
            | c.b("registered_unemployed")
        )
        & c.cmp("training_kind", np.isin(v["training_kind"], ["employment_skills", "guidance"]))
        & c.b("training_completed")
    ).status()
    cert = v["certificate_issue_date"]
    since = p["skill_upgrade_subsidy.certificates_from"].toordinal() - _EPOCH
    level = v["certificate_level"]
    skill = (
        c.b("is_enterprise_employee")
        & c.cmp(
            "ui_contribution_months",
            v["ui_contribution_months"] >= p["skill_upgrade_subsidy.min_ui_months"],
        )
        & c.cmp("certificate_issue_date", (cert >= since) & (cert <= on))
        & _within(
            c,
            "certificate_issue_date",
            on,
            p["skill_upgrade_subsidy.apply_within_months"],
            calendar_table,
        )
        & c.cmp("certificate_level", np.isin(level, [3, 4, 5]))
    )
    out["skill_upgrade_subsidy"] = skill.status()
    amount = np.select(
        [level == 5, level == 4],
        [
            p["skill_upgrade_subsidy.level5_amount_fen"],
            p["skill_upgrade_subsidy.level4_amount_fen"],
        ],
        p["skill_upgrade_subsidy.level3_amount_fen"],
    )
    out["skill_upgrade_subsidy__amount_fen"] = np.where(skill.t, amount, -1)
    del unknown
    return out


def employer_rules(pkg: PolicyPackage, c: Columns, on: Array, day: date) -> dict[str, Array]:
    p: Mapping[str, Any] = pkg.params_at(day)
    v, ok = c.values, c.valid
    table = pkg.references["pooling_region_unemployment_rate"]
    # the rate of the row's pooling region for the year before its as-of year
    years = _ymd(on)[0] + table.year_offset
    rate = np.full(len(on), -1, dtype=np.int64)
    for (region, year), value in table.values.items():
        assert isinstance(value, int)
        rate = np.where((v["pooling_region_code"] == region) & (years == year), value, rate)
    rate = np.where(
        ok["pooling_region_unemployment_rate"], v["pooling_region_unemployment_rate"], rate
    )
    rate_ok = rate >= 0
    layoffs, avg = v["last_year_layoffs"], v["last_year_avg_insured"]
    below_ok = ok["last_year_layoffs"] & ok["last_year_avg_insured"] & rate_ok
    below = layoffs * 10000 < rate * avg
    none = c.cmp("last_year_layoffs", layoffs == 0)
    layoff = none | K(below_ok & below, below_ok & ~below)
    stabilize = (
        c.b("ui_insured") & c.b("ui_premiums_paid_in_full") & c.b("stabilization_measures") & layoff
    )
    share = p["job_stabilization_subsidy.premium_share_percent"]
    premiums = v["last_year_ui_premiums"]
    return {
        "job_stabilization_subsidy": stabilize.status(),
        "job_stabilization_subsidy__amount_fen": np.where(
            stabilize.t & ok["last_year_ui_premiums"], premiums * share // 100, -1
        ),
        "layoff_rate_below_unemployment_rate": layoff.status(),
        "soe_veteran_hiring_quota": (
            c.cmp(
                "ownership",
                np.isin(
                    v["ownership"], ["state_owned", "state_controlled", "state_capital_dominant"]
                ),
            )
            & c.b("recruiting_new_staff")
            & K(
                ok["veteran_recruitment_posts"]
                & ok["new_recruitment_posts"]
                & (
                    v["veteran_recruitment_posts"] * 100
                    >= p["soe_veteran_hiring_quota.min_share_percent"] * v["new_recruitment_posts"]
                ),
                ok["veteran_recruitment_posts"]
                & ok["new_recruitment_posts"]
                & (
                    v["veteran_recruitment_posts"] * 100
                    < p["soe_veteran_hiring_quota.min_share_percent"] * v["new_recruitment_posts"]
                ),
            )
        ).status(),
        "apprenticeship_training_subsidy": (
            c.b("apprenticeship_pilot") & c.b("apprenticeship_training_conducted")
        ).status(),
    }


def calendar_table(calendar: Any) -> tuple[int, Array]:
    """The deadline extension per covered day, as day numbers (-1 where unknown)."""
    first, series = calendar.extension_table()
    values = series.cast(pl.Int32).fill_null(-1).to_numpy().astype(np.int64)
    return first.toordinal() - _EPOCH, values
