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


# -- text from the database is text, never markup ---------------------------------------------------

HOSTILE = "<script>alert(1)</script>"


def _html(markdown_text: str) -> str:
    """What a CommonMark renderer that lets raw HTML through (markdown-it, as rich ships it) makes."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": True}).render(markdown_text)


def _hostile(strategy):
    strategy.title = HOSTILE
    strategy.priorities = f"{HOSTILE} Priority & more.\n\n<img src=x onerror=alert(2)> second paragraph."
    goal = strategy.goals[0]
    goal.title = f"Goal {HOSTILE}"
    objective = goal.objectives[0]
    objective.justification = ("See [the plan](javascript:alert(3)) and &lt;b&gt; and `code` and "
                               "*stars* and cross_cutting work.")
    objective.justification_sensitivity = "public"
    strategy.management_objectives[0].title = "Support <iframe src=//evil.example>"
    return strategy


def test_hostile_text_renders_as_text(public_strategy):
    text = to_markdown(_hostile(public_strategy))
    html = _html(text)
    for raw in ("<script", "<img", "<iframe", 'href="javascript'):
        assert raw not in html, raw
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "[the plan](javascript:alert(3))" in html  # shown as typed, not a link
    assert "&amp;lt;b&amp;gt;" in html  # an entity in the text is not decoded
    assert "Priority &amp; more." in html and "cross_cutting" in html
    assert "<em>" not in html and "<code>" not in html


def test_hostile_text_reads_back_unchanged(public_strategy):
    from icsplan.ingest import parse_text

    strategy = _hostile(public_strategy)
    text = to_markdown(strategy)
    assert "\\<script\\>alert(1)\\</script\\>" in text  # escaped, and readable as it stands
    again = parse_text(text, source="hostile.md").strategy
    assert again.priorities == strategy.priorities
    assert again.goals[0].title == strategy.goals[0].title
    assert again.goals[0].objectives[0].justification == strategy.goals[0].objectives[0].justification
    assert again.management_objectives[0].title == strategy.management_objectives[0].title


def test_plain_punctuation_stays_readable(public_strategy):
    public_strategy.priorities = "Work with AT&T, the cross_cutting team and 3 partners (50% of funds)."
    assert "Work with AT&T, the cross_cutting team and 3 partners (50% of funds)." in to_markdown(public_strategy)


def test_a_numbered_or_ruled_paragraph_is_not_structure(public_strategy):
    for text, shown in (("1. First point of the priorities.", "<p>1. First point of the priorities.</p>"),
                        ("---", "<p>---</p>"), ("+ plus", "<p>+ plus</p>"), ("> quoted", "<p>&gt; quoted</p>")):
        public_strategy.priorities = text
        assert shown in _html(to_markdown(public_strategy)), text
