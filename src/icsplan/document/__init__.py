"""The canonical document model of a strategy (pydantic, no Django)."""

from .model import (
    SCHEMA_ID,
    Baseline,
    Disaggregation,
    Goal,
    Indicator,
    ManagementObjective,
    Mission,
    Objective,
    PeriodValue,
    Risk,
    Section,
    Sensitivity,
    Strategy,
    SubObjective,
    json_schema,
)

__all__ = [
    "SCHEMA_ID", "Baseline", "Disaggregation", "Goal", "Indicator", "ManagementObjective", "Mission",
    "Objective", "PeriodValue", "Risk", "Section", "Sensitivity", "Strategy", "SubObjective", "json_schema",
]
