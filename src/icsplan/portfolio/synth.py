"""Department-scale synthetic data: plausible strategies for benchmarks and load tests.

``synthesize(200)`` writes 200 missions spread over the six regional bureaus, each with an
approved 2022 edition (four goals, ten objectives, sub-objectives, a management objective,
linkages to the JRS, JSP and SDGs, risks) and five indicators per objective with quarterly,
semi-annual or annual targets and results broken down by sex, age and location: about 2,000
objectives, 10,000 indicators and over a million result values.

Marked synthetic everywhere it shows
------------------------------------
* the mission's country starts with "Synthetic" and the mission has ``synthetic=True`` (its pages
  carry a banner, the bureau dashboard a chip);
* the edition's classification banner reads ``SYNTHETIC DATA`` (every export prints it) and its
  title says "(synthetic data)";
* every indicator is ``sample=True``, so every figure is labelled sample data as the demo's are.

Deterministic
-------------
The content of mission ``i`` depends only on ``(seed, i)`` (``random.Random`` seeded with both),
so two runs with the same seed write the same strategies, and a run with more missions starts with
the same ones as a run with fewer.

Valid under the same rules, fast
--------------------------------
Each strategy is a canonical document saved by ``strategies.services.import_strategy`` (as the
system actor), so periods, breakdowns, sums, percentages and statuses pass the same checks as
any import. The indicators' targets and results are written in bulk without history rows
(``indicators.document.history_off``): synthetic figures need no audit trail, and history would
double the million rows.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from icsplan import document as doc

#: bureau code -> (share of the missions, regions)
BUREAU_SHARES: dict[str, tuple[int, tuple[str, ...]]] = {
    "AF": (25, ("Sahel", "West Africa", "East Africa", "Southern Africa", "Central Africa")),
    "EAP": (14, ("Mainland Southeast Asia", "Pacific Islands", "Northeast Asia")),
    "EUR": (25, ("Western Europe", "Central Europe", "Balkans", "Caucasus")),
    "NEA": (10, ("Levant", "Gulf", "Maghreb")),
    "SCA": (8, ("Central Asia", "South Asia")),
    "WHA": (18, ("Caribbean", "Central America", "Andean", "Southern Cone")),
}
EDITION = "2022"
FIRST_YEAR, LAST_YEAR = 2023, 2026
CLASSIFICATION = "SYNTHETIC DATA — NOT OFFICIAL"
MARK = "Synthetic"

_SYLLABLES = ("al", "bar", "cor", "dan", "el", "fen", "gor", "han", "is", "jor", "kal", "lun", "mar", "nor",
              "or", "pal", "quin", "ros", "sar", "tal", "ur", "val", "wen", "zan")
_ENDINGS = ("ia", "land", "stan", "ora", "ique", "ana", "es", "ova")

# (goal title, objective titles, indicator names, unit, standard code, linkages)
_THEMES: tuple[tuple[str, tuple[str, ...], tuple[str, ...], str, str, tuple[str, ...]], ...] = (
    ("Strengthen regional security and stability",
     ("Improve the capacity of national security forces to counter violent extremism",
      "Reduce cross-border trafficking of arms and people",
      "Advance civilian oversight of the security sector"),
     ("Number of security personnel trained in human rights", "Number of border posts with screening systems",
      "Number of trafficking cases referred for prosecution", "Percent of districts with community policing"),
     "people", "PS.1.1-1", ("JRS 1", "JSP 1.4", "SDG 16")),
    ("Promote inclusive economic growth and trade",
     ("Expand access to finance for small and medium enterprises",
      "Increase exports of agricultural products to regional markets",
      "Improve the business climate for U.S. investment"),
     ("Value of new loans to small enterprises", "Number of firms receiving trade facilitation support",
      "Value of agricultural exports", "Number of commercial disputes resolved"),
     "USD", "EG.3.2-1", ("JRS 2", "JSP 2.2", "SDG 8")),
    ("Improve health outcomes and resilience to disease",
     ("Expand access to HIV treatment and prevention services",
      "Strengthen disease surveillance and outbreak response",
      "Reduce maternal and child mortality"),
     ("Number of people receiving antiretroviral therapy", "Percent of outbreaks detected within seven days",
      "Number of births attended by skilled personnel", "Number of health workers trained"),
     "people", "HL.1.1-1", ("JRS 3", "JSP 2.1", "SDG 3")),
    ("Strengthen democratic governance and the rule of law",
     ("Increase the transparency and accountability of public institutions",
      "Support free and fair electoral processes",
      "Improve access to justice for marginalized communities"),
     ("Number of public officials trained in anti-corruption", "Number of domestic election observers trained",
      "Number of legal aid cases resolved", "Percent of court cases decided within a year"),
     "people", "DR.1.3-1", ("JRS 4", "JSP 3.1", "SDG 16")),
    ("Expand educational opportunity and people-to-people ties",
     ("Improve early grade reading outcomes", "Increase participation in exchange programs",
      "Strengthen the skills of the workforce for a modern economy"),
     ("Number of learners reached with reading programs", "Number of exchange program alumni engaged",
      "Number of youth completing workforce training", "Percent of students reading at grade level"),
     "learners", "ES.1-1", ("JRS 5", "JSP 4.1", "SDG 4")),
    ("Build resilience to climate change and food insecurity",
     ("Increase the adoption of climate-smart agriculture",
      "Expand access to clean and reliable energy",
      "Improve the management of water resources"),
     ("Number of farmers applying improved technologies", "Megawatts of clean energy capacity installed",
      "Number of people with improved access to water", "Hectares under improved management"),
     "people", "EG.11-6", ("JRS 6", "JSP 1.3", "SDG 13")),
)
_MANAGEMENT = ("Modernize the mission's facilities and information technology",
               ("Number of staff trained in cybersecurity", "Percent of facilities meeting safety standards"))
_RISKS = ("Political instability may delay partner government commitments.",
          "Reduced funding may limit program reach.",
          "Security conditions may restrict staff travel to program areas.",
          "Natural disasters may divert partner resources.")
_SEX = doc.Disaggregation(category="Sex", values=["Female", "Male"])
_AGE = doc.Disaggregation(category="Age", values=["Under 18", "18-29", "30 and over"])
_LOCATION = doc.Disaggregation(category="Location", values=["Urban", "Rural"])
BREAKDOWNS = (_SEX, _AGE, _LOCATION)
_QUARTERS = {"quarterly": ("Q", 4), "semiannual": ("H", 2), "annual": ("", 1)}


@dataclass
class Summary:
    """What one run wrote."""

    missions: int = 0
    objectives: int = 0
    indicators: int = 0
    targets: int = 0
    results: int = 0


def country_name(seed: int, index: int) -> str:
    """The synthetic mission's country: marked, and unique for (seed, index)."""
    rng = random.Random(f"name:{seed}:{index}")
    base = "".join(rng.choice(_SYLLABLES) for _ in range(2)) + rng.choice(_ENDINGS)
    return f"{MARK} {base.capitalize()} {seed}-{index + 1:03d}"


def bureau_of(seed: int, index: int) -> tuple[str, str]:
    """(bureau code, region) of mission ``index``, drawn with the Department's proportions."""
    rng = random.Random(f"bureau:{seed}:{index}")
    codes = list(BUREAU_SHARES)
    code = rng.choices(codes, weights=[BUREAU_SHARES[c][0] for c in codes])[0]
    return code, rng.choice(BUREAU_SHARES[code][1])


def _periods(frequency: str) -> list[str]:
    kind, count = _QUARTERS[frequency]
    return [f"FY{year}{kind}{n if kind else ''}" for year in range(FIRST_YEAR, LAST_YEAR + 1)
            for n in range(1, count + 1)]


def _split(total: int, count: int, rng: random.Random) -> list[int]:
    """``total`` split into ``count`` non-negative integers that add up to it."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(count)]
    scale = sum(weights)
    parts = [int(total * w / scale) for w in weights]
    parts[-1] += total - sum(parts)
    return parts


def _split_bounded(total: int, caps: list[int]) -> list[int]:
    """``total`` (at most ``sum(caps)``) split in proportion to ``caps``, no part above its cap."""
    whole = sum(caps)
    parts = [min(cap, total * cap // whole) for cap in caps]
    rest = total - sum(parts)
    for i, cap in enumerate(caps):
        extra = min(rest, cap - parts[i])
        parts[i] += extra
        rest -= extra
    return parts


def _values(indicator: doc.Indicator, rng: random.Random, status_of) -> None:
    """Targets (totals) and results (totals and every breakdown) for each period of the edition."""
    level = rng.randint(40, 4000)
    rate = rng.uniform(0.3, 0.8)
    for step, period in enumerate(_periods(indicator.frequency)):
        status = status_of(period)
        if indicator.value_type == "percent":
            target = min(95.0, round(rate * 100 + 2 * step, 1))
            indicator.targets.append(doc.PeriodValue(period=period, value=f"{target:g}"))
            if status is None:
                continue
            den = level + rng.randint(0, level // 4 + 1)
            num = min(den, int(den * min(0.99, rate + rng.uniform(-0.1, 0.15) + 0.01 * step)))
            indicator.results.append(doc.PeriodValue(period=period, numerator=num, denominator=den,
                                                     status=status))
            for breakdown in indicator.disaggregations:
                dens = [d + 1 for d in _split(den - len(breakdown.values), len(breakdown.values), rng)]
                for value, n, d in zip(breakdown.values, _split_bounded(num, dens), dens):
                    indicator.results.append(doc.PeriodValue(period=period, numerator=n, denominator=d,
                                                             category=breakdown.category, category_value=value,
                                                             status=status))
            continue
        growth = 1 + 0.05 * step if not indicator.cumulative else 1
        target = int(level * growth)
        indicator.targets.append(doc.PeriodValue(period=period, value=str(target)))
        if status is None:
            continue
        total = max(0, int(target * rng.uniform(0.6, 1.2)))
        indicator.results.append(doc.PeriodValue(period=period, value=str(total), status=status))
        for breakdown in indicator.disaggregations:
            for value, part in zip(breakdown.values, _split(total, len(breakdown.values), rng)):
                indicator.results.append(doc.PeriodValue(period=period, value=str(part), category=breakdown.category,
                                                         category_value=value, status=status))


def _indicator(code: str, name: str, unit: str, standard: str, rng: random.Random, status_of) -> doc.Indicator:
    percent = name.startswith("Percent")
    frequency = rng.choices(("quarterly", "semiannual", "annual"), weights=(8, 1, 1))[0]
    money = name.startswith("Value")
    indicator = doc.Indicator(
        code=code, name=name, unit="percent" if percent else ("USD" if money else unit),
        value_type="percent" if percent else ("currency" if money else "number"),
        cumulative=not percent and rng.random() < 0.2, frequency=frequency,
        direction="increase", data_source="Implementing partner reports (synthetic)",
        responsible=rng.choice(("POL/ECON", "USAID", "PAS", "INL", "CDC", "RSO")),
        standard_code=standard, sample=True,
        baseline=doc.Baseline(value="0" if not percent else f"{rng.randint(10, 40)}"),
        disaggregations=[b.model_copy() for b in BREAKDOWNS],
    )
    _values(indicator, rng, status_of)
    return indicator


def synthetic_document(seed: int, index: int) -> doc.Strategy:
    """The strategy of synthetic mission ``index`` for ``seed`` (the same every time)."""
    rng = random.Random(f"strategy:{seed}:{index}")
    country = country_name(seed, index)
    bureau, _region = bureau_of(seed, index)
    # The last quarter is still being cleared at some missions; a few never reported it (overdue).
    lag = rng.choice(("approved", "approved", "submitted", "draft", None))

    def status_of(period: str) -> str | None:
        return lag if period.startswith(f"FY{LAST_YEAR}") and period[6:] in ("Q4", "H2", "") else "approved"

    themes = rng.sample(range(len(_THEMES)), 4)
    goals: list[doc.Goal] = []
    per_goal = [3, 3, 2, 2]
    for g, (theme, count) in enumerate(zip(themes, per_goal), start=1):
        title, objective_titles, indicator_names, unit, standard, links = _THEMES[theme]
        objectives = []
        for o in range(1, count + 1):
            number = f"{g}.{o}"
            indicators = [_indicator(f"{number}-{chr(96 + k)}", rng.choice(indicator_names), unit, standard, rng,
                                     status_of) for k in range(1, 6)]
            # Three of the five on the objective, two on its sub-objective.
            sub = doc.SubObjective(number=f"{number}.1",
                                   title=f"{rng.choice(objective_titles)} in {rng.choice(('the capital', 'border regions', 'rural districts'))}",
                                   indicators=indicators[3:])
            objectives.append(doc.Objective(
                number=number, title=objective_titles[(o - 1) % len(objective_titles)],
                justification=f"Synthetic justification for objective {number} of {country}.",
                linkages=[links[1], links[2]] if rng.random() < 0.9 else [],
                risks=[doc.Risk(statement=rng.choice(_RISKS), likelihood="medium", impact="high")],
                indicators=indicators[:3], sub_objectives=[sub]))
        goals.append(doc.Goal(number=str(g), title=title, description=f"Synthetic goal {g} of {country}.",
                              linkages=[links[0]], objectives=objectives))
    mo_title, mo_names = _MANAGEMENT
    management = doc.ManagementObjective(
        number="1", title=mo_title,
        indicators=[_indicator(f"M1-{chr(96 + k)}", mo_names[k - 1], "staff", "", rng, status_of) for k in (1, 2)])
    return doc.Strategy(
        mission=doc.Mission(country=country, bureau=bureau, post=f"Embassy {country}"),
        title="Integrated Country Strategy (synthetic data)", edition=EDITION, layout=2022,
        fiscal_year_start=FIRST_YEAR, fiscal_year_end=LAST_YEAR, classification=CLASSIFICATION,
        priorities=f"Synthetic priorities of {country}: generated for benchmarks and load tests, not official.",
        goals=goals, management_objectives=[management],
    )


def synthesize(missions: int, *, seed: int = 0, actor, bureau: str | None = None, progress=None) -> Summary:
    """Write ``missions`` synthetic missions, each with an approved edition; each mission is saved
    in its own transaction (all of it or none). A mission already written for this seed is
    refused before anything is written. ``bureau`` puts every mission in that bureau (benches
    compare a bureau of 5 with one of 50)."""
    from django.db import transaction

    from icsplan.accounts.actors import require_actor
    from icsplan.accounts.models import Mission
    from icsplan.errors import InputError
    from icsplan.indicators.document import history_off
    from icsplan.strategies import services as strategies
    from icsplan.strategies.models import StrategyStatus

    require_actor(actor)
    if not 1 <= missions <= 1000:
        raise InputError(f"--missions must be between 1 and 1000, not {missions}.", code="invalid-input")
    names = [country_name(seed, i) for i in range(missions)]
    taken = Mission.objects.filter(country__in=names).values_list("country", flat=True).first()
    if taken:
        raise InputError(f"Synthetic mission {taken!r} exists already; use another --seed.", code="synthetic-exists")
    summary = Summary()
    for index in range(missions):
        document = synthetic_document(seed, index)
        code, region = bureau_of(seed, index)
        with transaction.atomic(), history_off():
            mission = strategies.get_or_create_mission(document.mission.country, bureau=bureau or code,
                                                       post=document.mission.post, region=region)
            Mission.objects.filter(pk=mission.pk).update(synthetic=True)
            mission.synthetic = True
            strategies.import_strategy(document, actor=actor, mission=mission, status=StrategyStatus.APPROVED,
                                       source_name="icsplan synth")
        summary.missions += 1
        for goal in document.goals:
            summary.objectives += len(goal.objectives)
        objectives = [o for g in document.goals for o in g.objectives]
        elements: list[doc.model._Element] = [*objectives, *document.management_objectives]
        elements += [s for o in elements if isinstance(o, doc.Objective) for s in o.sub_objectives]
        for element in elements:
            for indicator in element.indicators:
                summary.indicators += 1
                summary.targets += len(indicator.targets)
                summary.results += len(indicator.results)
        if progress is not None:
            progress(index + 1, missions)
    return summary
