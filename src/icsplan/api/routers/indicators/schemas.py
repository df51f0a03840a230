"""Request and response schemas of indicators, periods, targets and results."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from ninja import Field, Schema
from pydantic import StrictBool

from icsplan.core import inputs

from ... import schemas as s
from ...schemas import MAX_ID

# -- schemas ---------------------------------------------------------------------------------------

ValueType = Literal["number", "percent", "currency", "milestone", "qualitative"]
Frequency = Literal["quarterly", "semiannual", "annual"]
ResultStatus = Literal["draft", "submitted", "approved", "returned"]


class BaselineOut(Schema):
    value: str | None = None
    date: dt.date | None = None
    note: str | None = None


class DisaggregationOut(Schema):
    category: str
    values: list[str]
    exhaustive: bool


class IndicatorSchema(Schema):
    """How progress on an element is measured."""

    id: int
    strategy_id: int
    element: s.ElementRef
    code: str
    name: str
    definition: str | None = None
    unit: str | None = None
    value_type: ValueType
    direction: Literal["increase", "decrease"]
    cumulative: bool
    data_source: str | None = None
    collection_method: str | None = None
    frequency: Frequency
    responsible: str | None = None
    standard_code: str | None = None
    sensitivity: s.Sensitivity
    sample: bool
    position: int
    version: int
    baseline: BaselineOut | None = None
    disaggregations: list[DisaggregationOut]
    updated_at: dt.datetime


class IndicatorUpdate(Schema):
    code: str | None = Field(None, min_length=1, max_length=40)
    name: str | None = Field(None, min_length=1, max_length=5000)
    definition: str | None = None
    unit: str | None = Field(None, max_length=100)
    value_type: ValueType | None = None
    direction: Literal["increase", "decrease"] | None = None
    cumulative: StrictBool | None = None
    data_source: str | None = None
    collection_method: str | None = None
    frequency: Frequency | None = None
    responsible: str | None = Field(None, max_length=100)
    standard_code: str | None = Field(None, max_length=60)
    sensitivity: s.Sensitivity | None = None
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX,
                        description="Why the change was made (required to make an SBU indicator public).")


class IndicatorCreate(Schema):
    element: s.ElementRef
    code: str = Field(..., min_length=1, max_length=40)
    name: str = Field(..., min_length=1, max_length=5000)
    definition: str | None = None
    unit: str | None = Field(None, max_length=100)
    value_type: ValueType = "number"
    direction: Literal["increase", "decrease"] = "increase"
    cumulative: StrictBool = False
    frequency: Frequency = "annual"
    responsible: str | None = Field(None, max_length=100)
    sensitivity: s.Sensitivity = "public"


class TargetSchema(Schema):
    id: int
    strategy_id: int
    indicator_id: int
    period: str = Field(..., description="Fiscal period id: FY2019, FY2019H1, FY2019Q1")
    category: str
    category_value: str
    value: str | None = None
    numerator: float | None = None
    denominator: float | None = None
    comment: str | None = None
    sensitivity: s.Sensitivity
    version: int
    updated_at: dt.datetime


class ResultSchema(TargetSchema):
    evidence_url: str | None = None
    status: ResultStatus
    return_reason: str
    submitted_at: dt.datetime | None = None
    decided_at: dt.datetime | None = None


class ValueIn(Schema):
    indicator: int = Field(..., ge=1, le=MAX_ID, description="Indicator id")
    period: str = Field(..., max_length=10, pattern=s.PERIOD_PATTERN, description="FY2019, FY2019H1 or FY2019Q1")
    value: str | None = Field(None, max_length=2000, description="As written: 12, 45%, yes, or text")
    numerator: float | None = None
    denominator: float | None = None
    category: str | None = Field(None, max_length=60, description="Disaggregation category (none for the total)")
    category_value: str | None = Field(None, max_length=100)
    comment: str | None = Field(None, max_length=inputs.COMMENT_MAX)
    sensitivity: s.Sensitivity | None = Field(
        None, description="Leave out to keep the stored marking (a new value takes its indicator's). Making an "
                          "SBU value public needs an editor or approver and a reason.")
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX, description="Why the change was made.")


class TargetIn(ValueIn):
    pass


class ResultIn(ValueIn):
    evidence_url: str | None = Field(None, max_length=inputs.EVIDENCE_URL_MAX,
                                     description="An http:// or https:// address")
    draft: StrictBool = Field(False, description="Save as a draft instead of submitting it for approval")


class ReturnIn(Schema):
    reason: str = Field(..., min_length=1, max_length=inputs.RETURN_REASON_MAX,
                        description="Why the result goes back to its reporter")


class PeriodSchema(Schema):
    id: str = Field(..., description="Fiscal period id")
    fiscal_year: int
    frequency: Frequency
    start: dt.date
    end: dt.date
    locked: bool


class BaselineSchema(Schema):
    """The value an indicator starts from, and when it was measured."""

    indicator_id: int
    value: str | None = Field(None, description="As written: 12, 45%, yes, or text")
    date: dt.date | None = None
    note: str | None = None
    version: int
    updated_at: dt.datetime


class BaselineIn(Schema):
    value: str | None = Field(..., max_length=200,
                              description="As written, checked against the indicator's value type (null: none)")
    date: dt.date | None = Field(None, description="When the baseline was measured")
    note: str | None = Field(None, max_length=5000)


class DisaggregationSchema(Schema):
    """A breakdown of an indicator: a category and its values (sex: female, male)."""

    id: int
    indicator_id: int
    category: str
    values: list[str]
    exhaustive: bool = Field(..., description="The values add up to the total")
    position: int
    version: int
    updated_at: dt.datetime


BreakdownValue = Annotated[str, Field(min_length=1, max_length=100)]


class DisaggregationIn(Schema):
    category: str = Field(..., min_length=1, max_length=60, description="e.g. sex, age band, region")
    values: list[BreakdownValue] = Field(..., min_length=1, max_length=50, description="e.g. female, male")
    exhaustive: StrictBool = Field(True, description="The values add up to the total (their sum is then checked)")
