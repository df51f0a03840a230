"""IATI ruleset checks that run offline, written as data (issue 12, item 3).

The IATI Validator runs the Standard's ruleset on top of the XSD. Two kinds of rules are written
down here, each with its official identifier:

- :data:`STANDARD_RULES`: every rule of the IATI Standard Ruleset for 2.03 (the ruleset the
  Standard publishes beside its schemas, as ``standard_ruleset.json``) whose context is an element
  an icsplan activity can contain. The Standard Ruleset does not number its rules: a rule is
  named by its context (an XPath), its rule type and the position of its case, and that triple is
  the ``number`` here ("//iati-activity atleast_one 2"). Where the IATI Validator reports the same
  rule under a number of its own, ``validator`` gives it (6.2.2 and 8.11.1, the two it reported on
  icsplan's file); no other validator number is written down, rather than a guessed one.
  The rule types are interpreted as the ruleset defines them: ``atleast_one`` (one of the paths
  exists), ``no_more_than_one``, ``date_order`` (less < more, "NOW" the file's generated time),
  ``regex_matches`` (every value of the paths matches the whole regex) and ``sum``.
- :data:`GUIDANCE_RULES`: what the Standard states in its element rules and guidance but the
  ruleset file does not test (the identifier's prefix, sector percentages, the status against the
  dates, indicator titles); they are numbered by the element page of the Standard that states them.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass

from lxml import etree


@dataclass(frozen=True)
class Rule:
    """A rule the Standard states outside its ruleset file: where it states it, what it asks, and
    its check, which returns a message per place that breaks it."""

    number: str
    text: str
    check: Callable[[etree._Element], list[str]]


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


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


def _indicator_has_title(activity) -> list[str]:
    return [f"an indicator has no title ({n})" for n, i in enumerate(activity.iter("indicator"), start=1)
            if not (i.findtext("title/narrative") or "").strip()]


def _values(node, path: str) -> list[str]:
    found = node.xpath(path)
    return [str(v) for v in (found if isinstance(found, list) else [found])]


def _atleast_one(paths: tuple[str, ...]) -> Callable[[etree._Element], list[str]]:
    def check(node):
        return [] if any(node.xpath(p) for p in paths) else [f"none of {' | '.join(paths)}"]
    return check


def _no_more_than_one(paths: tuple[str, ...]) -> Callable[[etree._Element], list[str]]:
    def check(node):
        present = [p for p in paths if node.xpath(p)]
        return [f"more than one of {' | '.join(present)}"] if len(present) > 1 else []
    return check


def _date_order(less: str, more: str) -> Callable[[etree._Element], list[str]]:
    def check(node):
        def dates(path):
            if path == "NOW":
                root = node.getroottree().getroot()
                return [_date(root.get("generated-datetime"))] if root.get("generated-datetime") else []
            return [_date(v) for v in _values(node, path) if v]
        out = []
        for first in dates(less):
            for second in dates(more):
                if first and second and not first <= second:
                    out.append(f"{less} {first} is after {more} {second}")
        return out
    return check


def _regex_matches(regex: str, paths: tuple[str, ...]) -> Callable[[etree._Element], list[str]]:
    pattern = re.compile(regex)

    def check(node):
        return [f"{path} {value!r} does not match {regex}" for path in paths for value in _values(node, path)
                if not pattern.fullmatch(value)]
    return check


def _sum(paths: tuple[str, ...], total: float) -> Callable[[etree._Element], list[str]]:
    def check(node):
        values = [float(v) for path in paths for v in _values(node, path)]
        return [f"{' + '.join(paths)} add up to {sum(values):g}, not {total:g}"] \
            if values and abs(sum(values) - total) > 1e-9 else []
    return check


@dataclass(frozen=True)
class StandardRule:
    """A rule of the IATI Standard Ruleset 2.03: ``number`` is its context, type and case."""

    context: str
    type: str
    case: int
    check: Callable[[etree._Element], list[str]]
    validator: str | None = None  # the IATI Validator's number for it, where known

    @property
    def number(self) -> str:
        return f"{self.context} {self.type} {self.case}"


_QUANTITATIVE = "//result/indicator[@measure='1' or @measure='2' or @measure='3' or @measure='4']"
_PERIOD = ("period-start/@iso-date", "period-end/@iso-date")

STANDARD_RULES: tuple[StandardRule, ...] = (
    StandardRule("//iati-activity", "atleast_one", 1, _atleast_one(("activity-date[@type='1' or @type='2']",))),
    StandardRule("//iati-activity", "atleast_one", 2, _atleast_one(("sector", "transaction/sector")), "6.2.2"),
    StandardRule("//iati-activity", "date_order", 1,
                 _date_order("activity-date[@type='1']/@iso-date", "activity-date[@type='3']/@iso-date")),
    StandardRule("//iati-activity", "date_order", 2,
                 _date_order("activity-date[@type='2']/@iso-date", "activity-date[@type='4']/@iso-date")),
    StandardRule("//iati-activity", "date_order", 3, _date_order("activity-date[@type='2']/@iso-date", "NOW")),
    StandardRule("//iati-activity", "date_order", 4, _date_order("activity-date[@type='4']/@iso-date", "NOW")),
    StandardRule("//iati-activity", "regex_matches", 1, _regex_matches(
        r"[^\/\&\|\?]+", ("reporting-org/@ref", "iati-identifier", "participating-org/@ref",
                          "transaction/provider-org/@ref", "transaction/receiver-org/@ref"))),
    StandardRule("//iati-activity", "sum", 1, _sum(("recipient-country/@percentage",
                                                    "recipient-region/@percentage"), 100)),
    StandardRule("//participating-org", "atleast_one", 1, _atleast_one(("@ref", "narrative"))),
    StandardRule("//transaction", "date_order", 1, _date_order("transaction-date/@iso-date", "NOW")),
    StandardRule("//transaction", "date_order", 2, _date_order("value/@value-date", "NOW")),
    *(StandardRule(f"//{context}", "date_order", 1, _date_order(*_PERIOD))
      for context in ("planned-disbursement", "budget")),
    StandardRule("//result/indicator", "no_more_than_one", 1,
                 _no_more_than_one(("reference[1]", "../reference[1]")), "8.11.1"),
    StandardRule("//result/indicator/period", "date_order", 1, _date_order(*_PERIOD)),
    StandardRule(f"{_QUANTITATIVE}/baseline", "atleast_one", 1, _atleast_one(("@value",))),
    StandardRule(f"{_QUANTITATIVE}/period/target", "atleast_one", 1, _atleast_one(("@value",))),
    StandardRule(f"{_QUANTITATIVE}/period/actual", "atleast_one", 1, _atleast_one(("@value",))),
)
"""The organisation-file rules (//iati-organisation, total-budget, recipient-*-budget,
total-expenditure) have contexts an activity file never contains and are left out."""

GUIDANCE_RULES: tuple[Rule, ...] = (
    Rule("iati-activity/sector/@percentage",
         "Sector percentages of one vocabulary add up to 100", _sector_percentages),
    Rule("iati-activity/iati-identifier",
         "The iati-identifier starts with the reporting-org identifier", _identifier_prefix),
    Rule("iati-activity/activity-status",
         "The activity status agrees with its dates", _status_matches_dates),
    Rule("iati-activity/result/indicator/title", "Every indicator has a title", _indicator_has_title),
)


def run_rules(root: etree._Element) -> list[str]:
    """Every rule broken anywhere in ``root``, as "number (validator number): message" lines."""
    failures = []
    for rule in STANDARD_RULES:
        name = rule.validator or rule.number
        for node in root.xpath(rule.context):
            for message in rule.check(node):
                failures.append(f"{name} ({rule.number}): {message}")
    for activity in root.findall("iati-activity"):
        for guidance in GUIDANCE_RULES:
            for message in guidance.check(activity):
                failures.append(f"{guidance.number} ({guidance.text}): {message}")
    return failures
