"""Request and response shapes of the API (one ``…Schema`` per resource, ``…Update`` for writes).

Dates and times are ISO 8601; reporting periods are fiscal-period ids (``FY2019``, ``FY2019Q1``,
``FY2019H1``). Narratives follow :data:`NARRATIVE_RULE`: callers who may not read a mission's SBU
get public text only, with ``null`` for withheld and empty narratives alike and no sensitivity
marking at all, so nothing reveals that SBU text exists.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from ninja import Field, Path, Schema

from icsplan.core import inputs

Sensitivity = Literal["public", "sbu"]
ElementKind = Literal["goal", "objective", "sub_objective", "management_objective"]
RiskLevel = Literal["low", "medium", "high"]

PERIOD_PATTERN = r"^FY\d{4}(Q[1-4]|H[12])?$"

#: How narratives (priorities, descriptions, justifications, linkages text) read; stated in the
#: API description and on every ``*_sensitivity`` field.
NARRATIVE_RULE = (
    "Sensitivity marking of the narrative: `public` or `sbu` for readers of the mission's SBU "
    "(its members and bureau analysts). For everyone else it is always `null`, and the narrative "
    "itself is its public text or `null` — a withheld SBU narrative and an empty one look the same."
)


def marking_field() -> Any:
    """A narrative's ``*_sensitivity`` field (see :data:`NARRATIVE_RULE`)."""
    return Field(None, description=NARRATIVE_RULE)
#: the largest id a database row can have (a signed 64-bit integer)
MAX_ID = 2**63 - 1
#: a row id in a URL path
PathId = Annotated[int, Path(..., ge=1, le=MAX_ID)]


class ProblemItemSchema(Schema):
    code: str
    message: str
    field: str | None = None
    in_: str | None = Field(None, alias="in")


class ProblemSchema(Schema):
    """RFC 9457 problem details, with icsplan's stable ``code`` and the field at fault."""

    type: str
    title: str
    status: int
    detail: str
    instance: str | None = None
    code: str
    field: str | None = None
    errors: list[dict[str, Any]] = Field(default_factory=list)


# -- missions and strategies ----------------------------------------------------------------------

class MissionSchema(Schema):
    id: int
    country: str
    slug: str
    post: str
    bureau: str | None = Field(None, description="Regional bureau code, e.g. AF")
    created_at: dt.datetime
    updated_at: dt.datetime


class StrategySchema(Schema):
    """One edition of a mission's Integrated Country Strategy."""

    id: int
    mission_id: int
    country: str
    edition: str
    title: str
    status: Literal["draft", "in_clearance", "approved", "published", "archived"]
    layout: int | None = None
    fiscal_year_start: int | None = None
    fiscal_year_end: int | None = None
    approved_date: dt.date | None = None
    review_dates: list[str] = Field(default_factory=list, description="ISO dates")
    classification: str
    priorities: str | None = None
    priorities_sensitivity: Sensitivity | None = marking_field()
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class StrategyUpdate(Schema):
    """Fields of an edition that can be changed (send only those that change)."""

    title: str | None = Field(None, min_length=1, max_length=300)
    classification: str | None = Field(None, max_length=100)
    priorities: str | None = None
    priorities_sensitivity: Sensitivity | None = None
    fiscal_year_start: int | None = Field(None, ge=1990, le=2100)
    fiscal_year_end: int | None = Field(None, ge=1990, le=2100)
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX, description="Why the change was made (kept in the history).")


class ApproveRequest(Schema):
    comment: str = Field("", max_length=inputs.CHANGE_REASON_MAX,
                         description="Kept in the history and the audit trail as the reason.")
    approved_date: dt.date | None = None


class TransitionRequest(Schema):
    """A step of an edition's life cycle (submit, return, publish, archive) and why."""

    comment: str = Field("", max_length=inputs.CHANGE_REASON_MAX,
                         description="Kept in the edition's life cycle, the history and the audit trail.")


class CopyEditionRequest(Schema):
    """A new draft edition copied from this one."""

    edition: str = Field(..., min_length=1, max_length=20, description="The new edition's label, e.g. 2022")
    comment: str = Field("", max_length=inputs.CHANGE_REASON_MAX)


class TransitionSchema(Schema):
    """One recorded step of an edition's life cycle: who, when, why."""

    from_status: str
    to_status: str
    by: str
    reason: str
    at: dt.datetime


# -- framework elements ---------------------------------------------------------------------------

class ElementSchema(Schema):
    id: int
    strategy_id: int
    number: str
    title: str
    framework_title: str | None = None
    linkages_text: str | None = None
    linkages_text_sensitivity: Sensitivity | None = marking_field()
    position: int
    version: int
    created_at: dt.datetime
    updated_at: dt.datetime


class GoalSchema(ElementSchema):
    """A mission goal (1, 2, 3…)."""

    description: str | None = None
    description_sensitivity: Sensitivity | None = marking_field()


class ObjectiveSchema(ElementSchema):
    """A mission objective (1.1, 1.2…) under a goal."""

    goal_id: int
    justification: str | None = None
    justification_sensitivity: Sensitivity | None = marking_field()


class SubObjectiveSchema(ElementSchema):
    """A sub-objective (1.1.1) under an objective or a management objective."""

    objective_id: int | None = None
    management_objective_id: int | None = None
    justification: str | None = None
    justification_sensitivity: Sensitivity | None = marking_field()


class ManagementObjectiveSchema(ElementSchema):
    """A management objective (1, 2…) beside the goals."""

    justification: str | None = None
    justification_sensitivity: Sensitivity | None = marking_field()


class ElementUpdate(Schema):
    title: str | None = Field(None, min_length=1, max_length=inputs.TITLE_MAX)
    framework_title: str | None = Field(None, max_length=inputs.TITLE_MAX)
    linkages_text: str | None = None
    linkages_text_sensitivity: Sensitivity | None = None
    reason: str = Field("", max_length=inputs.CHANGE_REASON_MAX, description="Why the change was made (kept in the history).")


class GoalUpdate(ElementUpdate):
    description: str | None = None
    description_sensitivity: Sensitivity | None = None


class ObjectiveUpdate(ElementUpdate):
    justification: str | None = None
    justification_sensitivity: Sensitivity | None = None


class SubObjectiveUpdate(ObjectiveUpdate):
    pass


class ManagementObjectiveUpdate(ObjectiveUpdate):
    pass


class ElementRef(Schema):
    kind: ElementKind
    id: int = Field(..., ge=1, le=MAX_ID)


class LinkageSchema(Schema):
    """An alignment of an element with an item of another framework ("CDCS DO2")."""

    id: int
    strategy_id: int
    element: ElementRef
    tag: str
    framework: str | None = None
    code: str
    position: int


class LinkageCreate(Schema):
    element: ElementRef
    tag: str = Field(..., min_length=1, max_length=100, description='Normalized tag, e.g. "CDCS DO2", "NSS Pillar 1"')


class RiskSchema(Schema):
    """A risk of not achieving an element."""

    id: int
    strategy_id: int
    element: ElementRef
    statement: str
    likelihood: RiskLevel | None = None
    impact: RiskLevel | None = None
    mitigation: str | None = None
    owner: str | None = None
    sensitivity: Sensitivity
    in_narrative: bool
    position: int


class RiskCreate(Schema):
    element: ElementRef
    statement: str = Field(..., min_length=1, max_length=inputs.TITLE_MAX)
    likelihood: RiskLevel | None = None
    impact: RiskLevel | None = None
    mitigation: str | None = Field(None, max_length=inputs.TEXT_MAX)
    owner: str | None = Field(None, max_length=100)
    sensitivity: Sensitivity = "public"


class DeletedSchema(Schema):
    deleted: bool = True
    id: int


# -- search, exports ------------------------------------------------------------------------------

class SearchHitSchema(Schema):
    kind: str = Field(..., description="strategy, goal, objective, sub_objective, management_objective, risk, indicator")
    id: int
    strategy_id: int
    mission_id: int
    country: str
    edition: str
    number: str | None = None
    title: str
    field: str = Field(..., description="The field that matched")
    snippet: str
    bureau: str | None = Field(None, description="The mission's bureau code")
    highlights: list[list[int]] = Field(default_factory=list,
                                        description="[start, end) offsets of the matching words in the snippet")


class FormatSchema(Schema):
    format: str
    media_type: str
    extension: str
