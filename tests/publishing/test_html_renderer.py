from icsplan.publishing.html import to_html

HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_standalone_document_with_cover_and_contents(public_strategy):
    html = to_html(public_strategy)
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="en">' in html
    assert '<h1 class="cover-title">Integrated Country Strategy</h1>' in html
    assert "Approved: October 3, 2018" in html and "Reviewed: November 15, 2019" in html
    assert '<a href="#priorities">1. Chief of Mission Priorities</a>' in html
    assert 'id="objective-1-1"' in html
    assert "@page" in html and "counter(page)" in html and "target-counter" in html


def test_indicator_table(public_strategy):
    html = to_html(public_strategy)
    assert "Indicator 1.1-a: Number of security personnel trained (1.1-a) (people)" in html
    assert "<tr><th scope=\"row\">FY2019Q1</th><td></td><td>40</td></tr>" in html
    assert "FY2019 \u2014 sex: female" in html
    assert "Indicator 1.1-a" not in to_html(public_strategy, indicators=False)


def test_all_text_is_escaped(public_strategy):
    public_strategy.priorities = HOSTILE
    public_strategy.goals[0].title = HOSTILE
    public_strategy.mission.country = HOSTILE
    public_strategy.goals[0].objectives[0].indicators[0].name = HOSTILE
    html = to_html(public_strategy)
    assert "<script>" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_sbu_paragraphs_are_marked(strategy):
    html = to_html(strategy)
    assert '<p class="sbu"><strong class="label">Justification:</strong> <span class="sbu-mark">(SBU)</span>' in html
    assert "SENSITIVE BUT UNCLASSIFIED" in html
    assert "sbu-mark" not in to_html(strategy, public=True).split("</style>")[1]
