"""The rule ids and parameter keys the apps name, and what implements each register and
service of the catalogue (read through ``policies.loader.policy().bindings``).

Only what exists is bound: the app that builds a planned register or service adds its
model or URL name here, and the catalogue then shows it as built.

Clause: 三（二）、三（七） (receipts, 稳定就业); 二（三） (start-up subsidy); 三（三） (city-level
returnee support: "对市级农民工返乡创业基地和返乡创业带头人由市政府给予适当资金补助");
二（一） (市内通办, 首问首办: casework).
"""

from __future__ import annotations

from policies.model import Bindings

BINDINGS = Bindings(
    receipt_rules=("startup_subsidy", "job_seeking_subsidy"),
    stable_min_contract_months="household_employment_assistance.stable_min_contract_months",
    stable_min_continuous_months="household_employment_assistance.stable_min_continuous_months",
    startup_subsidy_rule="startup_subsidy",
    startup_subsidy_amount="startup_subsidy.amount_fen",
    registers={
        "labor_force_registry": "registry.Person",
        "employer_registry": "registry.Employer",
        "household_registry": "registry.Household",
        "difficulty_person_registry": "registry.DifficultyCertification",
    },
    services={
        "one_time_notification": "portal:measure",
        "qr_notification": "portal:qr_svg",
        "appointment": "portal:book",
        "city_wide_handling": "casework:counter_file",
        "application_casework": "casework:queue",
    },
    city_handled_rules=("return_home_entrepreneurship_support", "return_home_base_support"),
)
