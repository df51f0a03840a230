import datetime as dt

import pytest
from lxml import etree

from icsplan.publishing import get_renderer
from icsplan.publishing.countries import country_code
from icsplan.publishing.iati import IatiRenderer, to_iati

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
    assert [(r.get("vocabulary"), r.get("code")) for r in result.findall("reference")] == [
        ("99", "JRS Goal 1"), ("99", "NSS Pillar 1")]
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


def test_strategy_without_any_date_says_so(public_strategy, iati_schema):
    public_strategy.fiscal_year_start = public_strategy.fiscal_year_end = public_strategy.approved_date = None
    root = _parse(public_strategy)
    date = root.find("iati-activity/activity-date")
    assert (date.get("type"), date.get("iso-date")) == ("1", "2020-01-15")
    assert "no fiscal years" in date.findtext("narrative")
    assert iati_schema.validate(root)


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
