"""The canonical, typed model of an Integrated Country Strategy.

Everything that goes in or out of icsplan passes through these classes: importers produce a
``Strategy``, the database layer saves and loads one, renderers consume one. Its JSON form
(``Strategy.model_dump_json()``) is the interchange format and round-trips losslessly.

No Django imports here: the parser and the CLI's ``parse`` work without a database.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from collections.abc import Iterator
from typing import Any, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

SCHEMA_ID: Final = "icsplan.strategy/1"


class Sensitivity(str, Enum):
    """Release marking of a narrative, indicator or result."""

    PUBLIC = "public"
    SBU = "sbu"


class _Model(BaseModel):
    # Unknown keys are an error: a typo in an interchange file must not vanish silently.
    model_config = ConfigDict(extra="forbid", validate_assignment=False, use_enum_values=False)


class Mission(_Model):
    """The mission whose strategy this is."""

    country: str
    post: str | None = None  # e.g. "Embassy Bamako"
    bureau: str | None = None  # e.g. "AF"


class Risk(_Model):
    """A risk of not achieving an element, with optional assessment."""

    statement: str
    likelihood: Literal["low", "medium", "high"] | None = None
    impact: Literal["low", "medium", "high"] | None = None
    mitigation: str | None = None
    owner: str | None = None
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    # True when the statement is quoted from the element's narrative (the 2018 layout writes risks
    # inside the justification); renderers then do not print it a second time.
    in_narrative: bool = False


class Baseline(_Model):
    value: str | None = None  # kept as written: numbers, percentages, "yes", or text
    date: dt.date | None = None
    note: str | None = None


class Disaggregation(_Model):
    """A breakdown of an indicator, defined up front (e.g. sex: female, male)."""

    category: str
    values: list[str]
    # Exhaustive categories must add up to the total.
    exhaustive: bool = True


class PeriodValue(_Model):
    """A target or result for one reporting period, optionally for one disaggregation value."""

    period: str  # fiscal period id: FY2019, FY2019Q1, FY2019H1
    value: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    category: str | None = None  # disaggregation category, None for the total
    category_value: str | None = None
    comment: str | None = None
    evidence_url: str | None = None
    status: Literal["draft", "submitted", "approved", "returned"] | None = None  # results only
    return_reason: str | None = None  # results only: why an approver returned it
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class Indicator(_Model):
    """How progress on an objective is measured."""

    code: str
    name: str
    definition: str | None = None
    unit: str | None = None
    value_type: Literal["number", "percent", "currency", "milestone", "qualitative"] = "number"
    direction: Literal["increase", "decrease"] = "increase"
    cumulative: bool = False
    data_source: str | None = None
    collection_method: str | None = None
    frequency: Literal["quarterly", "semiannual", "annual"] = "annual"
    responsible: str | None = None  # section or agency: POL/ECON, USAID, PAS...
    standard_code: str | None = None  # e.g. a foreign-assistance or SDG indicator code
    sensitivity: Sensitivity = Sensitivity.PUBLIC
    sample: bool = False  # illustrative demo data, not official
    baseline: Baseline | None = None
    disaggregations: list[Disaggregation] = Field(default_factory=list)
    targets: list[PeriodValue] = Field(default_factory=list)
    results: list[PeriodValue] = Field(default_factory=list)


class _Element(_Model):
    """Common fields of every numbered framework element."""

    number: str
    title: str
    # The section-2 (framework) wording, only when it differs from the body title.
    framework_title: str | None = None
    # Parsed alignment codes, normalized "FRAMEWORK CODE" (e.g. "CDCS DO2", "NSS Pillar 1").
    linkages: list[str] = Field(default_factory=list)
    # The free text of a separate Linkages block (2022 layout), when there is one.
    linkages_text: str | None = None
    linkages_text_sensitivity: Sensitivity = Sensitivity.PUBLIC
    risks: list[Risk] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)


class SubObjective(_Element):
    """A sub-objective (1.1.1) under an objective or management objective."""

    justification: str | None = None
    justification_sensitivity: Sensitivity = Sensitivity.PUBLIC


class Objective(_Element):
    """A mission objective (1.1) under a goal."""

    justification: str | None = None
    justification_sensitivity: Sensitivity = Sensitivity.PUBLIC
    sub_objectives: list[SubObjective] = Field(default_factory=list)


class ManagementObjective(Objective):
    """A management objective (1, 2...), beside the goals."""


class Goal(_Element):
    """A mission goal (1, 2, 3...)."""

    description: str | None = None
    description_sensitivity: Sensitivity = Sensitivity.PUBLIC
    objectives: list[Objective] = Field(default_factory=list)


class Section(_Model):
    """Another titled section of the document (Country Context, Transition Planning...)."""

    title: str
    text: str
    sensitivity: Sensitivity = Sensitivity.PUBLIC


class Strategy(_Model):
    """One edition of a mission's Integrated Country Strategy."""

    schema_: Literal["icsplan.strategy/1"] = Field(default=SCHEMA_ID, alias="schema")
    mission: Mission
    title: str = "Integrated Country Strategy"
    edition: str | None = None  # e.g. "2018"
    layout: Literal[2018, 2022] | None = None  # which published layout the source followed
    fiscal_year_start: int | None = None
    fiscal_year_end: int | None = None
    classification: str | None = None  # the banner, e.g. "FOR PUBLIC RELEASE"
    approved_date: dt.date | None = None
    review_dates: list[dt.date] = Field(default_factory=list)
    priorities: str | None = None
    priorities_sensitivity: Sensitivity = Sensitivity.PUBLIC
    sections: list[Section] = Field(default_factory=list)
    goals: list[Goal] = Field(default_factory=list)
    management_objectives: list[ManagementObjective] = Field(default_factory=list)

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    # -- convenience -------------------------------------------------------------------------
    def to_json(self, *, indent: int | None = 2) -> str:
        """The interchange JSON (with the ``schema`` key)."""
        return self.model_dump_json(by_alias=True, indent=indent)

    @classmethod
    def from_json(cls, text: str | bytes) -> "Strategy":
        return cls.model_validate_json(text)

    def iter_objectives(self) -> Iterator[Objective]:
        """Every mission objective, in document order."""
        for goal in self.goals:
            yield from goal.objectives

    def iter_elements(self) -> Iterator[tuple[str, Goal | Objective | SubObjective]]:
        """(kind, element) for every numbered element, in document order."""
        for goal in self.goals:
            yield "goal", goal
            for objective in goal.objectives:
                yield "objective", objective
                for sub in objective.sub_objectives:
                    yield "sub_objective", sub
        for mo in self.management_objectives:
            yield "management_objective", mo
            for sub in mo.sub_objectives:
                yield "sub_objective", sub


def json_schema() -> dict[str, Any]:
    """The JSON Schema of the interchange format."""
    schema = Strategy.model_json_schema(by_alias=True)
    schema["$id"] = SCHEMA_ID
    return schema
