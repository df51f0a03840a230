"""IATI ruleset checks that run offline, written as data (issue 12, item 3).

The IATI Validator runs the Standard's ruleset on top of the XSD. The rules below are the ones an
ICS activity can break and that need no codelist download or registry look-up. ``number`` is the
rule's number in the validator's messages where it is known (6.2.2 and 8.11.1 are the two it
reported on icsplan's file); the others are written down from the ruleset's wording and carry no
number rather than a guessed one.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class Rule:
    """One ruleset rule: its number (None when not known), what it asks, and its check, which
    returns a message per place that breaks it."""

    number: str | None
    text: str
    check: Callable[[etree._Element], list[str]]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def _sector(activity) -> list[str]:
    if activity.findall("sector") or (activity.findall("transaction")
                                      and all(t.find("sector") is not None for t in activity.findall("transaction"))):
        return []
    return ["the activity has no sector (nor one on every transaction)"]


def _reference_one_level(activity) -> list[str]:
    out = []
    for number, result in enumerate(activity.findall("result"), start=1):
        if result.findall("reference") and result.findall("indicator/reference"):
            out.append(f"result {number} has a reference at result and at indicator level")
    return out


def _sector_percentages(activity) -> list[str]:
    by_vocabulary: dict[str, list[float]] = defaultdict(list)
    for sector in activity.findall("sector"):
        by_vocabulary[sector.get("vocabulary", "1")].append(float(sector.get("percentage", "100")))
    return [f"sector percentages of vocabulary {v} add up to {sum(p):g}, not 100"
            for v, p in by_vocabulary.items() if abs(sum(p) - 100) > 1e-9]


def _identifier_prefix(activity) -> list[str]:
    identifier, org = activity.findtext("iati-identifier") or "", activity.find("reporting-org")
    ref = org.get("ref") if org is not None else None
    if not ref or not identifier.startswith(ref + "-"):
        return [f"iati-identifier {identifier!r} does not start with the reporting-org ref {ref!r}"]
    return []


def _start_date(activity) -> list[str]:
    kinds = {d.get("type") for d in activity.findall("activity-date")}
    return [] if kinds & {"1", "2"} else ["no planned or actual start date"]


def _actual_dates_past(activity) -> list[str]:
    generated = _date(activity.getparent().get("generated-datetime")) if activity.getparent() is not None else None
    generated = generated or _date(activity.get("last-updated-datetime"))
    return [f"actual date {d.get('iso-date')} (type {d.get('type')}) is in the future"
            for d in activity.findall("activity-date")
            if d.get("type") in ("2", "4") and generated and _date(d.get("iso-date")) > generated]


def _end_after_start(activity) -> list[str]:
    dates = {d.get("type"): _date(d.get("iso-date")) for d in activity.findall("activity-date")}
    start, end = dates.get("1") or dates.get("2"), dates.get("3") or dates.get("4")
    return [f"the end {end} is before the start {start}"] if start and end and end < start else []


def _status_matches_dates(activity) -> list[str]:
    status = (activity.find("activity-status") if activity.find("activity-status") is not None else None)
    code = status.get("code") if status is not None else None
    generated = _date(activity.get("last-updated-datetime"))
    dates = {d.get("type"): _date(d.get("iso-date")) for d in activity.findall("activity-date")}
    if code == "2" and dates.get("1") and generated and dates["1"] > generated and "2" not in dates:
        return ["status implementation, but the planned start is still to come"]
    if code == "1" and "2" in dates:
        return ["status pipeline, but there is an actual start date"]
    return []


def _periods_ordered(activity) -> list[str]:
    out = []
    for period in activity.iter("period"):
        start, end = _date(period.find("period-start").get("iso-date")), _date(period.find("period-end").get("iso-date"))
        if end < start:
            out.append(f"result period ends {end} before it starts {start}")
    return out


def _indicator_has_title(activity) -> list[str]:
    return [f"an indicator has no title ({n})" for n, i in enumerate(activity.iter("indicator"), start=1)
            if not (i.findtext("title/narrative") or "").strip()]


RULES: tuple[Rule, ...] = (
    Rule("6.2.2", "Sector must be reported at activity level or on every transaction", _sector),
    Rule("8.11.1", "A result's reference is given at result level or at indicator level, not both",
         _reference_one_level),
    Rule(None, "Sector percentages of one vocabulary add up to 100", _sector_percentages),
    Rule(None, "The iati-identifier starts with the reporting-org identifier", _identifier_prefix),
    Rule(None, "The activity has a planned (1) or actual (2) start date", _start_date),
    Rule(None, "Actual dates are not in the future", _actual_dates_past),
    Rule(None, "The end date is not before the start date", _end_after_start),
    Rule(None, "The activity status agrees with its dates", _status_matches_dates),
    Rule(None, "A result period's end is not before its start", _periods_ordered),
    Rule(None, "Every indicator has a title", _indicator_has_title),
)


def run_rules(root: etree._Element) -> list[str]:
    """Every rule broken by any activity of ``root``, as "rule: message" lines."""
    failures = []
    for activity in root.findall("iati-activity"):
        for rule in RULES:
            for message in rule.check(activity):
                failures.append(f"{rule.number or 'ruleset'} ({rule.text}): {message}")
    return failures
