"""A reproducible synthetic Songyuan population that passes every validator.

Figures from shared/data/README.md: people split across counties by the 2010 census
(宁江 612,816; 前郭 607,640; 长岭 639,205; 乾安 301,438; 扶余 718,987) and urban hukou
46.89% (2020 census). Where no figure exists the shares below are stated assumptions,
chosen only to exercise every rule path; they describe no real population:
ages uniform 16–64; education, employment, disability, household-status, certificate,
training and business shares as in the ``P_*`` constants of
:mod:`jiuye.registry.synth_assumptions`; households of 1–4 people in
one township; employers 90% in the five counties (by census weight) and 10% in the
economic development zone (220771); unemployment insurance pooled at city level
(220700); premiums = average insured × 12 × 16.80 yuan (1% of the 2017 Songyuan urban
minimum wage of 1680 yuan); the startup subsidy amount is the package parameter.

The records behind the facts of 三（二）、三（三）、三（七）、四（三） come from a second random
stream (seeded from the same seed), so adding them left the rest of a population as it
was. Their shares are stated assumptions too, with no figure behind them: the relation to
the household head follows the members' ages (18 or more years younger: a child, older:
a parent, else the first is the spouse); ``P_RURAL_TRANSFER`` of rural working-age people
hold a 农村劳动力转移就业登记 (``P_TRANSFER_ENDED`` of those since ended);
``P_GRASSROOTS`` of college graduates since 2012 served a 基层服务项目 of 24 months
starting within 90 days of graduation, by ``P_PROGRAM``, assessed passed/failed/not
recorded as ``P_ASSESSMENT``; ``P_LEADER`` of rural founders of a business were
recognised 市级返乡创业带头人 a year or more after licensing (``P_REVOKED`` revoked since).

A business's 开始正常经营日期 comes from a third stream (seeded from the same seed, so it
too leaves the rest as it was), a stated assumption with no figure behind it: licensed
date plus 0 to ``OPERATING_DELAY_DAYS`` days, unrecorded for ``P_OPERATING_UNKNOWN`` of
businesses and for those whose date would fall after the as-of date.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from jiuye.geo.models import Division, DivisionLevel
from jiuye.geo.selectors import divisions_at
from jiuye.identity import Sex, make_credit_code, make_resident_id
from jiuye.identity.credit_code import CHARSET
from jiuye.registry import models as m
from jiuye.registry import synth_assumptions as a
from jiuye.registry.models.choices import HIGHER_EDUCATION
from jiuye.registry.services.bulk import BulkPopulation
from jiuye.rules.periods import add_months


@dataclass(frozen=True)
class SynthSpec:
    persons: int
    firms: int
    seed: int
    as_of: date = date(2018, 12, 31)


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days)))


class Generator:
    def __init__(self, spec: SynthSpec, taken_ids: set[str] | None = None) -> None:
        self.spec = spec
        self.rng = random.Random(spec.seed)  # noqa: S311 - synthetic data, not secrets
        self.more = random.Random(f"{spec.seed}-programmes")  # noqa: S311 - as above
        self.operating = random.Random(f"{spec.seed}-operating")  # noqa: S311 - as above
        self.ids = set(taken_ids or ())
        self.codes: set[str] = set()
        self.pop = BulkPopulation()
        # one row per code, from the township list in force on the as-of date
        townships = list(divisions_at(spec.as_of, level=DivisionLevel.TOWNSHIP, prefix="2207"))
        if not townships:
            raise ValueError("no Songyuan townships loaded: run `jiuye setup-demo --no-demo`")
        by_county: dict[str, dict[str, list[Division]]] = {}
        for d in townships:
            bucket = "urban" if int(d.code[6:9]) < 100 else "rural"
            by_county.setdefault(d.code[:6], {"urban": [], "rural": []})[bucket].append(d)
        self.townships = by_county

    def run(self) -> BulkPopulation:
        from jiuye.evaluation import package

        amount = package().params_at(self.spec.as_of).get("startup_subsidy.amount_fen")
        self.startup_fen = amount if isinstance(amount, int) else None
        for i in range(self.spec.firms):
            self._employer(i)
        households = 0
        remaining = self.spec.persons
        while remaining > 0:
            size = min(remaining, self.rng.choice((1, 2, 2, 3, 3, 4)))
            self._household(households, size)
            households += 1
            remaining -= size
        return self.pop

    def _township(self, county: str, urban: bool) -> Division:
        pools = self.townships.get(county) or self.townships[next(iter(self.townships))]
        pool = pools["urban" if urban else "rural"] or pools["urban"] or pools["rural"]
        return self.rng.choice(pool)

    def _employer(self, i: int) -> None:
        rng = self.rng
        county = a.ZONE if rng.random() < 0.1 else _pick(rng, dict(a.COUNTY_WEIGHTS))
        while True:
            body = "MA" + "".join(rng.choice(CHARSET) for _ in range(6))
            if body not in self.codes:
                self.codes.add(body)
                break
        kind = _pick(
            rng,
            {
                "enterprise": 85,
                "social_organization": 5,
                "public_sector": 5,
                "individual_business": 5,
            },
        )
        org_type = {
            "enterprise": ("9", "1"),
            "individual_business": ("9", "2"),
            "social_organization": ("5", "1"),
            "public_sector": ("1", "2"),
        }[kind]
        size = _pick(rng, {"micro": 60, "small": 25, "medium": 12, "large": 3})
        ownership = (
            _pick(rng, {"state_owned": 3, "state_controlled": 2, "private": 90, "other": 5})
            if kind == "enterprise"
            else None
        )
        division = self._township(county, True) if county != a.ZONE else self._zone()
        employer = m.Employer(
            credit_code=make_credit_code(*org_type, county, body),
            name=f"松原合成单位{i + 1:05d}",
            kind=kind,
            ownership=ownership,
            size_class=size,
            division=division,
            pooling_region_code=a.POOLING_REGION,
        )
        self.pop.employers.append(employer)
        low, high = a.SIZE_RANGES[size]
        for year in (self.spec.as_of.year - 1, self.spec.as_of.year):
            insured = rng.randint(low, high)
            self.pop.employer_years.append(
                m.EmployerYear(
                    employer=employer,
                    year=year,
                    ui_insured=rng.random() < 0.8,
                    ui_premiums_fen=insured * 12 * a.MIN_WAGE_PERCENT_FEN,
                    ui_arrears_fen=0 if rng.random() < 0.9 else rng.randint(1, 10**6),
                    avg_insured=insured,
                    layoffs=0 if rng.random() < 0.85 else rng.randint(1, max(1, insured // 10)),
                    hires=rng.randint(0, max(1, insured // 5)),
                    recruitment_posts=rng.randint(0, max(1, insured // 5)),
                    veteran_posts=rng.randint(0, 2)
                    if ownership in ("state_owned", "state_controlled")
                    else 0,
                    stabilization_measures=rng.random() < 0.7,
                    apprenticeship_pilot=rng.random() < 0.05,
                    apprenticeship_training=None,
                )
            )

    def _zone(self) -> Division:
        # The development zone has no townships in the list: its employers sit in 宁江区.
        return self._township("220702", True)

    def _household(self, index: int, size: int) -> None:
        rng = self.rng
        county = _pick(rng, dict(a.COUNTY_WEIGHTS))
        urban = rng.random() < a.URBAN_SHARE
        where = self._township(county, urban)
        household = m.Household(number=f"SYN{self.spec.seed}-{index + 1:07d}", division=where)
        self.pop.households.append(household)
        for kind, share in a.P_HOUSEHOLD_STATUS.items():
            if rng.random() < share:
                self.pop.household_statuses.append(
                    m.HouseholdStatus(
                        household=household,
                        kind=kind,
                        start=_day(rng, date(2014, 1, 1), self.spec.as_of),
                    )
                )
        head: m.Person | None = None
        spouse = False
        for _ in range(size):
            person = self._person(county, where, urban)
            relation = "户主" if head is None else self._relation(head, person, spouse)
            spouse = spouse or relation == "配偶"
            head = head or person
            self.pop.members.append(
                m.HouseholdMember(household=household, person=person, relation=relation)
            )

    def _relation(self, head: m.Person, person: m.Person, spouse: bool) -> str:
        gap = (person.birth_date - head.birth_date).days / 365.25
        if gap >= 18:
            return self.more.choice(a.CHILD_WORDS[person.sex])
        if gap <= -18:
            return "父亲" if person.sex == "male" else "母亲"
        return "兄弟姐妹" if spouse else "配偶"

    def _resident_id(self, county: str) -> tuple[str, str, date]:
        rng, as_of = self.rng, self.spec.as_of
        while True:
            sex: Sex = "male" if rng.random() < 0.5 else "female"
            birth = _day(
                rng, date(as_of.year - 65, as_of.month, 1), date(as_of.year - 16, as_of.month, 1)
            )
            sequence = rng.randrange(0, 1000, 2) + (1 if sex == "male" else 0)
            number = make_resident_id(county, birth, sequence, sex)
            if number not in self.ids:
                self.ids.add(number)
                return number, sex, birth

    def _person(self, county: str, where: Division, urban: bool) -> m.Person:
        rng, as_of = self.rng, self.spec.as_of
        number, sex, birth = self._resident_id(county)
        businesses_before = len(self.pop.businesses)
        education = _pick(rng, dict(a.P_EDUCATION))
        grad_age = a.GRADUATION_AGE.get(education)
        graduation = date(birth.year + grad_age, 7, 1) if grad_age else None
        roll = rng.random()
        disabled = (
            None if roll < a.P_DISABILITY_UNKNOWN else roll < a.P_DISABILITY_UNKNOWN + a.P_DISABLED
        )
        person = m.Person(
            resident_id=number,
            sex=sex,
            birth_date=birth,
            division=where,
            name=rng.choice(a.SURNAMES)
            + "".join(rng.choice(a.GIVEN) for _ in range(rng.choice((1, 2)))),
            hukou_type="urban" if urban else "rural",
            education_level=education,
            graduation_date=graduation,
            is_disabled=disabled,
            is_veteran=sex == "male" and rng.random() < 0.03,
        )
        self.pop.persons.append(person)
        status = rng.random()
        if status < a.P_EMPLOYED:
            self._job(person)
        elif status < a.P_EMPLOYED + a.P_REGISTERED:
            self._registration(person, where)
        if rng.random() < a.P_CERTIFICATE:
            self.pop.certificates.append(
                m.Certificate(
                    person=person,
                    level=rng.randint(3, 5),
                    occupation=rng.choice(a.OCCUPATIONS),
                    issue_date=_day(rng, date(2015, 1, 1), as_of),
                    shortage_trade=rng.choice((True, False, None)),
                )
            )
        if rng.random() < a.P_TRAINING:
            start = _day(rng, date(2016, 1, 1), as_of)
            self.pop.trainings.append(
                m.Training(
                    person=person,
                    kind=rng.choice(list(m.TrainingKind.values)),
                    class_hours=rng.choice((40, 80, 120, 160)),
                    start=start,
                    completed_on=start + timedelta(days=30) if rng.random() < 0.8 else None,
                )
            )
        if rng.random() < a.P_EXTRA_BUSINESS:
            self._business(person, where)
        self._programmes(person, where, self.pop.businesses[businesses_before:])
        return person

    def _programmes(self, person: m.Person, where: Division, founded: list[m.Business]) -> None:
        """基层服务、返乡创业带头人认定 and 转移就业登记, from the second stream."""
        more, as_of = self.more, self.spec.as_of
        day = timedelta(days=1)
        adult = max(date(2012, 1, 1), person.birth_date + timedelta(days=16 * 366))
        if person.hukou_type == "rural" and more.random() < a.P_RURAL_TRANSFER and adult < as_of:
            registered = _day(more, adult, as_of)
            ended = (
                _day(more, registered + day, as_of + day)
                if more.random() < a.P_TRANSFER_ENDED
                else None
            )
            self.pop.rural_transfers.append(
                m.RuralTransferRegistration(
                    person=person, division=where, registered_on=registered, ended_on=ended
                )
            )
        graduated = person.graduation_date
        if (
            person.education_level in HIGHER_EDUCATION
            and graduated
            and date(2012, 1, 1) <= graduated <= as_of
            and more.random() < a.P_GRASSROOTS
        ):
            start = graduated + timedelta(days=more.randrange(91))
            end = add_months(start, a.GRASSROOTS_MONTHS)
            done = end <= as_of
            result = _pick(more, dict(a.P_ASSESSMENT))
            self.pop.grassroots_services.append(
                m.GrassrootsService(
                    person=person,
                    division=where,
                    program=_pick(more, dict(a.P_PROGRAM)),
                    start=start,
                    end=end if done else None,
                    assessment_passed={"passed": True, "failed": False}.get(result)
                    if done
                    else None,
                )
            )
        if person.hukou_type == "rural" and founded and more.random() < a.P_LEADER:
            first = min(b.license_date for b in founded) + timedelta(days=366)
            if first < as_of:
                recognised = _day(more, first, as_of)
                number = len(self.pop.recognitions) + 1
                self.pop.recognitions.append(
                    m.Recognition(
                        person=person,
                        kind=m.RecognitionKind.CITY_RETURN_ENTREPRENEUR_LEADER,
                        recognised_on=recognised,
                        recognised_by=a.LEADER_OFFICE,
                        document_number=f"松合成认〔{recognised.year}〕{number}号",
                        revoked_on=_day(more, recognised + day, as_of + day)
                        if more.random() < a.P_REVOKED
                        else None,
                    )
                )

    def _job(self, person: m.Person) -> None:
        rng, as_of = self.rng, self.spec.as_of
        form = _pick(rng, dict(a.P_FORM))
        employer = (
            rng.choice(self.pop.employers)
            if form in ("employee", "internship") and self.pop.employers
            else None
        )
        has_contract = form == "employee"
        self.pop.employments.append(
            m.EmploymentRecord(
                person=person,
                employer=employer,
                form=form,
                start=_day(
                    rng, max(person.birth_date + timedelta(days=16 * 366), date(2005, 1, 1)), as_of
                ),
                contract_months=rng.choice((12, 24, 36, None)) if has_contract else None,
                employer_pays_social_insurance=rng.choice((True, True, None))
                if has_contract
                else None,
            )
        )
        if has_contract:
            person.ui_contribution_months = rng.randint(0, 120)
            person.has_social_insurance = True
        if form == "self_employed":
            self._business(person, person.division)

    def _registration(self, person: m.Person, where: Division) -> None:
        rng, as_of = self.rng, self.spec.as_of
        registered = _day(rng, date(2016, 1, 1), as_of)
        self.pop.unemployment_registrations.append(
            m.UnemploymentRegistration(
                person=person,
                division=where,
                registered_on=registered,
                laid_off_enterprise_worker=rng.random() < 0.2,
            )
        )
        if rng.random() < a.P_DIFFICULTY_AMONG_REGISTERED:
            self.pop.difficulty_certifications.append(
                m.DifficultyCertification(
                    person=person,
                    division=where,
                    category=rng.choice(a.DIFFICULTY_CATEGORIES),
                    start=registered + timedelta(days=10),
                )
            )

    def _business(self, person: m.Person, where: Division) -> None:
        rng, as_of = self.rng, self.spec.as_of
        licensed = _day(rng, date(2012, 1, 1), as_of)
        business = m.Business(
            person=person,
            division=where,
            name=f"合成经营实体{len(self.pop.businesses) + 1:06d}",
            kind=_pick(rng, {"individual_business": 70, "small_micro_enterprise": 25, "other": 5}),
            license_date=licensed,
            operating_since=self._operating_since(licensed),
            status=_pick(rng, {"operating": 85, "suspended": 10, "closed": 5}),
        )
        self.pop.businesses.append(business)
        if self.startup_fen and rng.random() < 0.1:
            self.pop.benefits.append(
                m.BenefitReceipt(
                    person=person,
                    rule="startup_subsidy",
                    amount_fen=self.startup_fen,
                    paid_on=min(as_of, licensed + timedelta(days=400)),
                )
            )

    def _operating_since(self, licensed: date) -> date | None:
        """开始正常经营日期, from the third stream (see the module docstring)."""
        delay = self.operating.randrange(a.OPERATING_DELAY_DAYS + 1)
        if self.operating.random() < a.P_OPERATING_UNKNOWN:
            return None
        since = licensed + timedelta(days=delay)
        return since if since <= self.spec.as_of else None


def generate(spec: SynthSpec, taken_ids: set[str] | None = None) -> BulkPopulation:
    return Generator(spec, taken_ids).run()
