from icsplan.publishing.markdown import to_markdown


def test_shape(public_strategy):
    text = to_markdown(public_strategy)
    lines = text.split("\n\n")
    assert lines[:5] == [
        "# Integrated Country Strategy",
        "## Mali",
        "**FOR PUBLIC RELEASE**",
        "Approved: October 3, 2018",
        "## 1. Chief of Mission Priorities",
    ]
    for expected in (
        "## 2. Mission Strategic Framework",
        "**Mission Goal 1: America's Security at Home and Abroad Is Enhanced By Mali's Capacity.**",
        "**Mission Objective 1.1: Mali has strong and effective civilian control over its military and security forces.**",
        "**Management Objective 1: To improve management efficiency and emergency preparedness.**",
        "## 3. Mission Goals and Objectives",
        "### Mission Goal 1: America's Security at Home and Abroad Is Enhanced by Mali's Increased Capacity to Protect its Borders.",
        "**Description and Linkages:** Mission Goal 1 links with the National Security Strategy.",
        "#### Mission Objective 1.1: Mali has strong and effective civilian control over its military and security forces.",
        "**Linkages:** Links to JRS Goal 1 and NSS Pillar 1.",
        "**Linkages:** CDCS DO2",
        "##### Sub-Objective 1.1.1: Border security command-and-control improved.",
        "## 4. Management Objectives",
        "### Management Objective 1: To improve management efficiency and emergency preparedness.",
        "## Country Context",
    ):
        assert expected in lines, expected
    assert text.index("## 3.") < text.index("## 4.") < text.index("## Country Context")


def test_risks_quoted_in_the_narrative_are_not_repeated(public_strategy):
    text = to_markdown(public_strategy)
    risks = [line for line in text.split("\n\n") if line.startswith("**Risks:**")]
    assert risks == [
        "**Risks:** Further loss of territorial control. Likelihood high, impact high. Mitigation: Coordinate with MINUSMA."
    ]


def test_internal_render_marks_sbu(strategy):
    text = to_markdown(strategy)
    assert "**SENSITIVE BUT UNCLASSIFIED**" in text
    assert "**Justification:** (SBU) Justification of objective 1.1." in text
    assert "\n(SBU) A second paragraph for 1.1.\n" in text


def test_public_render_has_no_sbu(strategy):
    text = to_markdown(strategy, public=True)
    assert "(SBU)" not in text and "SENSITIVE" not in text
    assert "**FOR PUBLIC RELEASE**" in text


def test_internal_banner_without_sbu_is_the_classification(public_strategy):
    public_strategy.classification = None
    assert "**UNCLASSIFIED**" in to_markdown(public_strategy)


def test_narrative_cannot_pose_as_structure(public_strategy):
    public_strategy.priorities = "## 4. Management Objectives"
    assert "\\## 4. Management Objectives" in to_markdown(public_strategy)
