"""Documents shaped like real published ICS editions, as extracted from their PDFs or converted.

Each fixture is invented text in the structural shape of a real edition, with the extraction
artefacts such text carries (see the comment above each group of tests).
"""

from __future__ import annotations

import datetime as dt

import pytest

from icsplan.ingest import lint_strategy, parse_file, parse_text
from icsplan.ingest import linkages as lk



def shape(strategy):
    """The numbered skeleton: (number, title, framework_title, linkages, [children])."""
    def element(e):
        children = getattr(e, "objectives", None) or getattr(e, "sub_objectives", [])
        return (e.number, e.title, e.framework_title, e.linkages, [element(c) for c in children])

    return [element(g) for g in strategy.goals], [element(m) for m in strategy.management_objectives]


def _warnings(result):
    return [(f.code, f.element) for f in lint_strategy(result) if f.severity != "info"]


# -- 2022 layout through `pdftotext -layout`: indented lines, header and footer on every page
# (banner; "Approved: <date>" with the page number far right or on its own line), form feeds,
# titles wrapped and torn by a page break, ligatures, a soft hyphen, NBSP, bullets • ● ▪ o, a
# framework section listing objectives as "•"/"o" bullets and the management objectives too.
@pytest.fixture(scope="module")
def calvaria(fixtures_dir):
    return parse_file(fixtures_dir / "calvaria-2022-layout.txt")


def test_calvaria_structure(calvaria):
    s = calvaria.strategy
    assert (s.layout, s.mission.country, s.classification, s.approved_date) == (
        2022, "Calvaria", "FOR PUBLIC RELEASE", dt.date(2022, 5, 6))
    goals, mos = shape(s)
    assert goals == [
        # The continuation "Maritime Domain Awareness" starts with a capital; section 2 writes it in
        # lower case, which is no mismatch.
        ("1", "Calvaria is a capable partner in regional security and Maritime Domain Awareness", None, [], [
            ("1.1", "Calvarian maritime forces patrol and secure the country’s territorial waters", None,
             ["JRS Goal 2", "JRS Objective 2.1", "NSS Pillar 3", "CDCS IR2.1", "JRS Objective 2.4"], []),
            # Wrapped in section 2, torn by a page break in section 3.
            ("1.2", "Strengthen the capacity of local institutions to deliver services transparently", None,
             ["CDCS DO3", "SDG 16"], []),
        ]),
        ("2", "Expanded two-way trade and investment create jobs in Calvaria and the United States", None, [], [
            ("2.1", "Calvaria’s business climate attracts U.S. investment", None, ["CDCS DO2", "JSP Goal 1", "SDG 8"], []),
            ("2.2", "Calvarian farmers and fishers reach regional markets", "Calvarian farmers reach regional markets",
             ["CDCS DO2"], [
                 ("2.2.1", "Cold-chain capacity at the port of Irval doubles", None, [], []),
                 ("2.2.2", "Women-owned fishing cooperatives export to two new markets", None, [], []),
             ]),
        ]),
    ]
    assert mos == [
        ("1", "Mission Calvaria’s facilities are modern, safe and sustainable", None, [], []),
        ("2", "The Mission recruits and retains a skilled local workforce", None, [], []),
    ]
    assert calvaria.orphans == []
    assert _warnings(calvaria) == [("framework-title-mismatch", "2.2")]


def test_calvaria_text_artefacts(calvaria):
    s = calvaria.strategy
    first = s.priorities.split("\n\n")[0]
    assert "more effectively. Calvarian officials" in first  # ﬀ, ﬃ
    assert "Illegal fishing and drug flows" in first  # ﬁ, ﬂ
    assert "its transparency, and Mission Objective 1.1 below" in first  # soft hyphen, no heading
    assert "“practical partnership” — training" in first
    assert s.priorities.split("\n\n")[2] == "• Prosperity: a business climate open to U.S. firms;"  # NBSP
    g2 = s.goals[1]
    assert g2.description.startswith("Calvaria imports most")  # "Description |" alone on its line
    o11, o12 = s.goals[0].objectives
    assert o11.justification.startswith("Illegal, unreported and unregulated fishing costs")
    assert [r.statement for r in o11.risks] == [
        "Without patrols, fish stocks collapse and coastal livelihoods with them.",
        "Traffickers could shift more cocaine through Calvarian ports.",
    ]
    assert "USAID Development Objective 2 already does" in o12.justification
    for text in (s.priorities, o11.justification, o12.justification, g2.description):
        assert "Approved" not in text and "PUBLIC RELEASE" not in text and "\u00ad" not in text
    assert s.management_objectives[0].linkages_text == "This objective supports all Mission goals."


# -- A 2015-2018 edition through plain `pdftotext`: "UNCLASSIFIED" banners, "Originally Approved /
# Reviewed and Updated" footers, unnumbered section headings, "Goal 1:" alone in the framework,
# "MISSION GOAL 1:" in capitals, "Mission Objective 1.1." / "1.2 -" / "2.1 –", "Mission
# Sub-Objective 1.1.1:", management sub-objectives, bullets "o", "", "-".
@pytest.fixture(scope="module")
def dravonia(fixtures_dir):
    return parse_file(fixtures_dir / "dravonia-2015.txt")


def test_dravonia_structure(dravonia):
    s = dravonia.strategy
    assert (s.layout, s.mission.country, s.classification) == (2018, "Dravonia", "UNCLASSIFIED")
    assert (s.approved_date, s.review_dates) == (dt.date(2018, 8, 14), [dt.date(2020, 2, 11)])
    goals, mos = shape(s)
    assert goals == [
        ("1", "DRAVONIA’S SECURITY FORCES PROTECT ITS CITIZENS AND ITS BORDERS", None, [], [
            ("1.1", "Border agencies interdict arms and narcotics trafficking",
             "Border agencies interdict arms and narcotics", [], [
                 ("1.1.1", "Customs officers use risk-based targeting at the three main crossings", None, [], []),
                 ("1.1.2", "The border police operate a national case database", None, [], []),
             ]),
            ("1.2", "Dravonia’s military respects civilian authority and human rights", None, [], []),
        ]),
        ("2", "DRAVONIANS LIVE LONGER, HEALTHIER LIVES", None, [], [
            ("2.1", "Dravonians have access to quality primary health care", None, ["CDCS DO1"], []),
        ]),
    ]
    assert mos == [
        ("1", "Mission Dravonia operates from safe, efficient facilities in Kestra and at the consular agency",
         "Mission Dravonia operates from safe, efficient facilities", [], [
             ("1.1", "The chancery meets seismic standards by 2021", None, [], []),
             ("1.2", "Residential leases meet security standards", None, [], []),
         ]),
    ]
    assert _warnings(dravonia) == [("framework-title-mismatch", "1.1"),
                                   ("framework-title-mismatch", "management objective 1")]


def test_dravonia_narratives(dravonia):
    s = dravonia.strategy
    assert s.priorities.split("\n\n")[1:5] == [
        "• Security – professional armed forces that protect citizens and borders;",
        "• Health – a primary health system that reaches every district;",
        "• Governance – courts and local councils that citizens trust;",
        "• Partnership – exchanges that reach young Dravonians.",
    ]
    assert s.goals[0].description.startswith("Goal 1 supports NSS Pillar I")
    o11, o12 = s.goals[0].objectives
    assert [r.statement for r in o11.risks] == [
        "Risks associated with not achieving this Mission Objective include a return of armed groups to the east."
    ]
    # Prose naming a sub-objective and an objective, and a page break mid-sentence.
    assert o12.justification.endswith(
        "Progress on Sub-Objective 1.1.2 will also help military police track cases. As Mission Objective 1.1 "
        "showed, training alone is not enough; the Mission will also work on accountability and military justice."
    )


# -- A pandoc conversion to Markdown: TOC as internal links, heading attributes, escaped pipes,
# bold labels, "*emphasis*" in titles, numbered lists, "3. Mission Goals", "Management Objective 1.1 |".
@pytest.fixture(scope="module")
def erimor(fixtures_dir):
    return parse_file(fixtures_dir / "erimor-2022.md")


def test_erimor_structure(erimor):
    s = erimor.strategy
    assert (s.layout, s.mission.country, s.approved_date) == (2022, "Republic of Erimor", dt.date(2022, 3, 2))
    goals, mos = shape(s)
    assert goals == [
        ("1", "Erimor's coast guard and police counter transnational crime", None, [], [
            ("1.1", "The coast guard patrols Erimor's exclusive economic zone", None,
             ["JRS Goal 1", "JRS Objective 1.3", "NSS Pillar 4", "CDCS DO1", "JRS Objective 2.4"], [
                 ("1.1.1", "A maritime operations center links all patrol assets", None, [], []),
             ]),
            ("1.2", "Police and prosecutors bring traffickers to justice", None, ["JSP Goal 1"], []),
        ]),
        ("2", "Erimor's economy grows through sustainable tourism and fisheries", None, [], [
            ("2.1", "Fisheries are managed sustainably", None, ["SDG 14", "CDCS DO2", "JRS Objective 2.4"], []),
        ]),
    ]
    assert mos == [
        ("1", "Mission Erimor provides secure housing and offices for all staff",
         "Mission Erimor provides secure housing and offices", [], [
             ("1.1", "The Mission signs a long-term lease for a residential compound", None, [], []),
         ]),
    ]
    assert s.sections == []  # "3. Mission Goals" is the body, not an extra section
    assert _warnings(erimor) == [("framework-title-mismatch", "management objective 1")]


def test_erimor_narratives(erimor):
    s = erimor.strategy
    parts = s.priorities.split("\n\n")
    assert parts[0].startswith("Erimor is a small island state whose exclusive economic zone is forty times")
    assert parts[1] == "1. Security: a coast guard able to patrol the whole zone;"
    assert parts[-1] == ("Mission Objective 1.1 below is our first priority, and USAID Development Objective 2 "
                         "(see the CDCS) supports the third.")
    o12 = s.goals[0].objectives[1]
    assert o12.justification == ("Few trafficking cases reach a verdict. JRS Objective 3.2 and the regional "
                                 "prosecutors' network offer models.")
    assert s.goals[1].objectives[0].linkages_text.endswith("Objective 2.4 of the JRS also applies to fisheries.")


# -- Smaller shapes, one document each --------------------------------------------------------
_FRAME = "2. Mission Strategic Framework\n{framework}\n3. Mission Goals and Objectives\n{body}\n"


def _parse(framework: str, body: str):
    return parse_text(_FRAME.format(framework=framework, body=body))


@pytest.mark.parametrize("heading", [
    "Mission Objective 2.1. Farmers reach markets",
    "Mission Objective 2.1 - Farmers reach markets",
    "Mission Objective 2.1 – Farmers reach markets",
    "Mission Objective 2.1.: Farmers reach markets",
    "MISSION OBJECTIVE 2.1: Farmers reach markets",
    "Objective 2.1 | Farmers reach markets",
    "**Mission Objective 2.1:** Farmers reach markets",
])
def test_objective_heading_punctuation(heading):
    result = _parse("", f"Mission Goal 2: Trade grows\n{heading}\nJustification: Markets are far.\n")
    (goal,) = result.strategy.goals
    assert [(o.number, o.title, o.justification) for o in goal.objectives] == [
        ("2.1", "Farmers reach markets", "Markets are far.")
    ]


def test_2022_goal_with_description_label_below():
    result = _parse(
        "Mission Goal 1: Ports are secure\n• Mission Objective 1.1: Ports screen cargo\n"
        "Management Objective 1: Staff are safe\n",
        "Mission Goal 1 | Ports are secure\nDescription |\nCargo crosses unchecked.\n"
        "Objective 1.1 | Ports screen cargo\n• Justification | Scanners are broken.\n"
        "4. Management Objectives\nManagement Objective 1 | Staff are safe\n• Justification | Housing is poor.\n",
    )
    s = result.strategy
    assert [(g.number, g.title, g.description) for g in s.goals] == [("1", "Ports are secure", "Cargo crosses unchecked.")]
    assert s.goals[0].objectives[0].justification == "Scanners are broken."
    assert [(m.number, m.title, m.framework_title) for m in s.management_objectives] == [("1", "Staff are safe", None)]
    assert result.orphans == [] and not _warnings(result)


def test_linkage_tag_on_its_own_line_after_a_title():
    result = _parse("", "Mission Goal 1: Health improves\nMission Objective 1.1: Clinics reach villages\n"
                        "(CDCS DO2, DO3)\nJustification: Few clinics exist.\n")
    (o11,) = result.strategy.goals[0].objectives
    assert (o11.title, o11.linkages, o11.justification) == (
        "Clinics reach villages", ["CDCS DO2", "CDCS DO3"], "Few clinics exist.")


@pytest.mark.parametrize("line", [
    "Objective 2.4 of the Joint Regional Strategy also applies.",
    "**Objective 2.4** of the JRS also applies.",
    "Sub-Objective 1.1.2 will also help.",
    "Development Objective 2: Health (USAID).",
    "JRS Objective 3.2 applies.",
])
def test_false_friends_at_line_start(line):
    result = _parse("", f"Mission Goal 1: Health improves\nMission Objective 1.1: Clinics reach villages\n"
                        f"Justification: Few clinics exist.\n\n{line}\n")
    (o11,) = result.strategy.goals[0].objectives
    assert [o.number for o in result.strategy.goals[0].objectives] == ["1.1"] and not o11.sub_objectives
    assert o11.justification.endswith(line.replace("**", ""))


@pytest.mark.parametrize(("text", "codes"), [
    ("(CDCS DO 2)", ["CDCS DO2"]),
    ("(CDCS DO2)", ["CDCS DO2"]),
    ("CDCS IR 2.1", ["CDCS IR2.1"]),
    ("JRS Goal 2, Objective 2.1", ["JRS Goal 2", "JRS Objective 2.1"]),
    ("JSP Goal 1", ["JSP Goal 1"]),
    ("NSS Pillar III", ["NSS Pillar 3"]),
    ("SDG 16", ["SDG 16"]),
    ("SDGs 8 and 16", ["SDG 8", "SDG 16"]),
    ("USAID Development Objective 2", ["CDCS DO2"]),
    ("Goal 2 of the Joint Regional Strategy", ["JRS Goal 2"]),
    ("AF JRS Goal 3, Objectives 3.1 and 3.2", ["JRS Goal 3", "JRS Objective 3.1", "JRS Objective 3.2"]),
])
def test_linkage_spellings(text, codes):
    assert lk.codes_in_text(text) == codes


@pytest.mark.parametrize(("title", "expected"), [
    ("Farmers prosper (DO2)", ("Farmers prosper", ["CDCS DO2"])),
    ("Farmers prosper (DO 2)", ("Farmers prosper", ["CDCS DO2"])),
    ("Farmers prosper (CDCS DO2, DO3)", ("Farmers prosper", ["CDCS DO2", "CDCS DO3"])),
    ("Farmers prosper (JRS Goal 2, Objective 2.1)", ("Farmers prosper", ["JRS Goal 2", "JRS Objective 2.1"])),
    ("Farmers prosper (Goal 2)", ("Farmers prosper (Goal 2)", [])),  # which framework's goal?
    ("Clinics reopen (COVID 19)", ("Clinics reopen (COVID 19)", [])),
])
def test_trailing_tags(title, expected):
    assert lk.split_trailing_tags(title) == expected


def test_plain_goal_and_objective_lines_in_a_framework_list():
    result = _parse(
        "Goal 1: Ports are secure\nObjective 1.1: Ports screen cargo\nObjective 1.2: Ports are clean\n"
        "Goal 2: Trade grows in the region and\nbeyond\nObjective 2.1: Farmers reach markets\n",
        "Mission Goal 1 | Ports are secure\nDescription | Cargo crosses.\n"
        "Objective 1.1 | Ports screen all cargo\n• Justification | Scanners are broken.\n"
        "Objective 1.2 | Ports are clean\n• Justification | Waste piles up.\n"
        "Objective 2.1: of the JRS is similar.\n"  # prose after a label: not a heading
        "Mission Goal 2 | Trade grows in the region and beyond\n"
        "Objective 2.1 | Farmers reach markets\n• Justification | Markets are far.\n",
    )
    assert [(e.kind, e.number) for e in result.framework] == [
        ("goal", "1"), ("objective", "1.1"), ("objective", "1.2"), ("goal", "2"), ("objective", "2.1")]
    goals, _ = shape(result.strategy)
    assert goals == [
        ("1", "Ports are secure", None, [], [
            ("1.1", "Ports screen all cargo", "Ports screen cargo", [], []),
            ("1.2", "Ports are clean", None, [], []),
        ]),
        ("2", "Trade grows in the region and beyond", None, [], [("2.1", "Farmers reach markets", None, [], [])]),
    ]
    assert result.strategy.goals[0].objectives[1].justification.endswith("Objective 2.1: of the JRS is similar.")
