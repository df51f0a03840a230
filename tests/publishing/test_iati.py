import datetime as dt

import pytest
from lxml import etree

from icsplan.publishing import get_renderer
from icsplan.publishing.countries import country_code
from icsplan.errors import InputError
from icsplan.publishing.iati import IatiRenderer, sectors, to_iati
from tests.publishing.iati_rules import GUIDANCE_RULES, STANDARD_RULES, run_rules

NOW = dt.datetime(2020, 1, 15, 12, 0, tzinfo=dt.timezone.utc)


def _parse(strategy):
    return etree.fromstring(to_iati(strategy, now=NOW))


def test_validates_against_the_schema(strategy, iati_schema):
    root = _parse(strategy)
    assert iati_schema.validate(root), iati_schema.error_log


def test_activity_header(strategy):
    root = _parse(strategy)
    assert root.get("version") == "2.03"
    assert root.get("generated-datetime") == "2020-01-15T12:00:00+00:00"
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "US-GOV-1-ICS-ML-2018"
    org = activity.find("reporting-org")
    assert (org.get("ref"), org.get("type"), org.findtext("narrative")) == ("US-GOV-1", "10", "U.S. Mission Mali")
    assert activity.find("recipient-country").get("code") == "ML"
    assert activity.find("activity-status").get("code") == "2"
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"1": "2018-10-01", "2": "2018-10-03", "3": "2022-09-30"}


def test_results_indicators_periods(strategy):
    activity = _parse(strategy).find("iati-activity")
    results = activity.findall("result")
    assert [r.findtext("title/narrative")[:24] for r in results] == ["Mission Objective 1.1: M"]
    result = results[0]
    assert result.get("type") == "2"
    # The indicator carries a reference, so the linkages are named in the description (rule 8.11.1).
    assert result.findall("reference") == []
    assert result.findtext("description/narrative").endswith("Linkages: JRS Goal 1, NSS Pillar 1.")
    indicators = result.findall("indicator")
    assert len(indicators) == 1  # the SBU indicator is not published
    indicator = indicators[0]
    assert indicator.find("reference").get("code") == "PS.6.2-1"
    baseline = indicator.find("baseline")
    assert (baseline.get("year"), baseline.get("iso-date"), baseline.get("value")) == ("2018", "2018-09-30", "120")
    periods = [(p.find("period-start").get("iso-date"), p.find("period-end").get("iso-date")) for p in indicator.findall("period")]
    assert periods == [("2018-10-01", "2018-12-31"), ("2018-10-01", "2019-09-30"), ("2019-10-01", "2020-09-30")]
    fy2019 = indicator.findall("period")[1]
    assert [t.get("value") for t in fy2019.findall("target")] == ["200", "60"]
    assert fy2019.find("target/dimension").attrib == {"name": "sex", "value": "female"}
    assert fy2019.findall("actual") == []  # the FY2019 result is SBU


def test_public_only_whatever_is_asked(strategy):
    assert get_renderer("iati").render(strategy, public=False).count(b"<indicator") == 1


def test_unknown_country_omits_recipient_country(strategy, iati_schema):
    strategy.mission.country = "Atlantis"
    root = _parse(strategy)
    assert root.find("iati-activity/recipient-country") is None
    assert root.findtext("iati-activity/iati-identifier") == "US-GOV-1-ICS-ATLANTIS-2018"
    assert iati_schema.validate(root)


def test_strategy_without_any_date_says_so(public_strategy):
    public_strategy.fiscal_year_start = public_strategy.fiscal_year_end = public_strategy.approved_date = None
    public_strategy.edition = None
    # No "planned start = today": the export refuses, and says why.
    with pytest.raises(InputError) as caught:
        _parse(public_strategy)
    assert caught.value.code == "iati-no-dates" and "no fiscal years" in str(caught.value)


def test_without_fiscal_years_the_dates_are_an_estimate_that_says_so(public_strategy, iati_schema):
    public_strategy.fiscal_year_start = public_strategy.fiscal_year_end = public_strategy.approved_date = None
    root = _parse(public_strategy)  # edition 2018, "now" is January 2020
    activity = root.find("iati-activity")
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert dates == {"1": "2018-10-01", "3": "2022-09-30"}
    assert all("Estimated from the edition year 2018" in d.findtext("narrative")
               for d in activity.findall("activity-date"))
    assert activity.find("activity-status").get("code") == "2"
    assert iati_schema.validate(root), iati_schema.error_log
    assert run_rules(root) == []


@pytest.mark.parametrize("today, status", [(dt.date(2018, 5, 1), "1"), (dt.date(2020, 1, 15), "2"),
                                           (dt.date(2023, 1, 1), "3")])
def test_status_from_the_fiscal_years(strategy, today, status):
    now = dt.datetime.combine(today, dt.time(12), tzinfo=dt.timezone.utc)
    activity = etree.fromstring(to_iati(strategy, now=now)).find("iati-activity")
    assert activity.find("activity-status").get("code") == status
    # The approval (3 October 2018) is an actual date only once it has happened.
    assert ("2" in {d.get("type") for d in activity.findall("activity-date")}) == (today >= dt.date(2018, 10, 3))


def test_clean_against_the_offline_ruleset(strategy, public_strategy, mali, iati_schema):
    for document in (strategy, public_strategy, mali.model_copy(update={"edition": "2018"})):
        root = _parse(document)
        assert iati_schema.validate(root), iati_schema.error_log
        assert run_rules(root) == [], document.mission.country


def test_rules_catch_what_the_validator_reported():
    """The rules are not vacuous: the file icsplan wrote before breaks 6.2.2 and 8.11.1."""
    old = etree.fromstring(b"""<iati-activities generated-datetime="2020-01-15T12:00:00+00:00"><iati-activity
        last-updated-datetime="2020-01-15T12:00:00+00:00"><iati-identifier>US-GOV-1-ICS-ML-2018</iati-identifier>
        <reporting-org ref="US-GOV-1" type="10"/><activity-status code="2"/>
        <activity-date type="1" iso-date="2020-01-15"/>
        <result><reference code="JRS Goal 1"/><indicator><title><narrative>x</narrative></title>
        <reference code="PS.6.2-1"/></indicator></result></iati-activity></iati-activities>""")
    numbers = {line.split(" ")[0] for line in run_rules(old)}
    assert numbers == {"6.2.2", "8.11.1"}
    assert {rule.validator for rule in STANDARD_RULES} >= {"6.2.2", "8.11.1"}


def test_sectors_from_themes_or_the_missions_choice(strategy, settings):
    activity = _parse(strategy).find("iati-activity")
    found = [(s.get("vocabulary"), s.get("code"), s.get("percentage")) for s in activity.findall("sector")]
    assert found and all(v == "1" and len(c) == 5 and c.isdigit() for v, c, _ in found)
    assert sum(int(p) for _, _, p in found) == 100
    assert sectors(strategy) == found
    settings.ICSPLAN_IATI_SECTORS = {"Mali": [("2", "151", "60"), ("2", "152", "40")]}
    chosen = [(s.get("vocabulary"), s.get("code")) for s in _parse(strategy).findall("iati-activity/sector")]
    assert chosen == [("2", "151"), ("2", "152")]


def test_reporting_org_from_settings(strategy, settings):
    settings.ICSPLAN_IATI_REPORTING_ORG = "US-GOV-11"
    activity = _parse(strategy).find("iati-activity")
    assert activity.find("reporting-org").get("ref") == "US-GOV-11"
    assert activity.findtext("iati-identifier") == "US-GOV-11-ICS-ML-2018"


def test_qualitative_and_odd_values(public_strategy, iati_schema):
    indicator = public_strategy.goals[0].objectives[0].indicators[0]
    indicator.value_type = "milestone"
    indicator.targets[0].value = "Law passed"
    indicator.results[0].period = "sometime"
    root = etree.fromstring(IatiRenderer(clock=lambda: NOW).render(public_strategy))
    assert iati_schema.validate(root), iati_schema.error_log
    target = root.find(".//indicator/period/target")
    assert target is not None


@pytest.mark.parametrize("name, code", [("Mali", "ML"), ("The Gambia", "GM"), ("Côte d'Ivoire", "CI"),
                                        ("Democratic Republic of the Congo", "CD"), ("Burma", "MM"), ("Narnia", None)])
def test_country_codes(name, code):
    assert country_code(name) == code


def test_every_offline_rule_carries_its_official_identifier():
    numbers = [rule.number for rule in STANDARD_RULES] + [rule.number for rule in GUIDANCE_RULES]
    assert all(numbers) and len(set(numbers)) == len(numbers)
    # Standard Ruleset rules are named by context, rule type and case, as the ruleset file orders them.
    assert {rule.type for rule in STANDARD_RULES} == {"atleast_one", "no_more_than_one", "date_order",
                                                      "regex_matches", "sum"}
    assert all(rule.number.startswith("//") and rule.case >= 1 for rule in STANDARD_RULES)


def _broken(numbers_of_body: bytes) -> set[str]:
    root = etree.fromstring(b'<iati-activities generated-datetime="2020-01-15T12:00:00+00:00">' + numbers_of_body
                            + b"</iati-activities>")
    return {line.split(" (")[1].split(")")[0] for line in run_rules(root)}


@pytest.mark.parametrize("body, rule", [
    (b'<activity-date type="1" iso-date="2020-01-01"/><activity-date type="3" iso-date="2019-01-01"/>',
     "//iati-activity date_order 1"),
    (b'<activity-date type="2" iso-date="2021-01-01"/>', "//iati-activity date_order 3"),
    (b'<reporting-org ref="US/GOV-1"/><iati-identifier>US/GOV-1-X</iati-identifier>',
     "//iati-activity regex_matches 1"),
    (b'<recipient-country code="ML" percentage="60"/><recipient-country code="NE" percentage="30"/>',
     "//iati-activity sum 1"),
    (b'<participating-org role="2"/>', "//participating-org atleast_one 1"),
    (b'<result><indicator measure="1"><title><narrative>x</narrative></title><baseline year="2019"/></indicator>'
     b'</result>', "//result/indicator[@measure='1' or @measure='2' or @measure='3' or @measure='4']/baseline"
                   " atleast_one 1"),
    (b'<result><indicator measure="1"><title><narrative>x</narrative></title><period>'
     b'<period-start iso-date="2020-01-01"/><period-end iso-date="2019-12-31"/></period></indicator></result>',
     "//result/indicator/period date_order 1"),
])
def test_each_kind_of_standard_rule_catches_a_breach(body, rule):
    activity = (b'<iati-activity><iati-identifier>US-GOV-1-X</iati-identifier><reporting-org ref="US-GOV-1"/>'
                b'<activity-date type="1" iso-date="2019-10-01"/><sector code="15110"/>' + body + b"</iati-activity>")
    assert rule in _broken(activity)


def test_the_reporting_org_identifier_is_the_prefix_and_passes_the_ruleset(strategy, settings):
    """US-GOV-1 (the Department of State in the IATI organisation registry) by default; a mission
    that reports under another registered identifier sets ICSPLAN_IATI_REPORTING_ORG, and the
    activity identifier, the reporting-org and the accountable participating-org all follow it."""
    for ref in (None, "US-GOV-11"):
        settings.ICSPLAN_IATI_REPORTING_ORG = ref
        root = _parse(strategy)
        activity = root.find("iati-activity")
        expected = ref or "US-GOV-1"
        assert activity.find("reporting-org").get("ref") == expected
        assert activity.find("participating-org").get("ref") == expected
        assert activity.findtext("iati-identifier").startswith(expected + "-")
        assert run_rules(root) == []
