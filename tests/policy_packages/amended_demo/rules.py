"""The amendment's rules: one new rule, and the job-seeking subsidy replaced from 2027.

Test data: a fictional amendment to prove that a second package works with no code
change. Clause: 三（一）.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from jiuye.rules import Fact, Param, Rule

from policies.songyuan_2018.rules.common import cond
from policies.songyuan_2018.rules.groups import job_seeking_subsidy

#: The day the fictional amendment takes effect.
FROM = date(2027, 1, 1)

demo_graduate_relocation_subsidy = Rule(
    id="demo_graduate_relocation_subsidy",
    title="（测试用）高校毕业生来松就业补贴",
    entity="person",
    clause="三（一）",
    kind="benefit",
    fund="就业补助资金（按规定）",
    payee="毕业生本人",
    conditions=(
        cond("is_college_graduate", "高校毕业生", "三（一）", Fact("is_college_graduate")),
        cond(
            "seeking", "有就业创业意愿并积极求职创业", "三（一）", Fact("seeking_work_or_business")
        ),
    ),
    amount=Param("demo_graduate_relocation_subsidy.amount_fen"),
    amount_text="1000元（测试用）",
)


def job_seeking_subsidy_2027() -> Rule:
    """From 2027 the job-seeking subsidy no longer asks for a target group (fictional).

    Built when the package is loaded, not on import: dated versions (``since``,
    ``version``) come with the engine's composition of packages.
    """
    return replace(
        job_seeking_subsidy,
        conditions=tuple(c for c in job_seeking_subsidy.conditions if c.id != "target_group"),
        since=FROM,
        version="2027-01",
    )


def rules() -> tuple[Rule, ...]:
    return (demo_graduate_relocation_subsidy, job_seeking_subsidy_2027())
