"""Writes tests/reviews/data/mali-2022.json, the second Mali edition of the comparison tests.

It starts from the real 2018 edition (the demo text) and makes the changes
``test_compare.EXPECTED`` lists: a reworded goal, a reworded objective, an added objective that
pushes 1.3 to 1.4, 2.1 and 2.2 merged, 2.3 renumbered 2.2, 3.1 split in two, 3.2 dropped, 3.3
renumbered and reworded, linkages and an indicator changed, a management objective added.
Run it again only to change the fixture: ``.venv/bin/python tests/reviews/build_mali_2022.py``.
"""

from __future__ import annotations

from pathlib import Path

from icsplan import document as doc
from icsplan.ingest import parse_file

HERE = Path(__file__).resolve().parent
SOURCE = HERE.parent.parent / "src" / "icsplan" / "demo" / "mali-2018.txt"


def build() -> doc.Strategy:
    old = parse_file(SOURCE).strategy
    new = old.model_copy(deep=True)
    new.edition = "2022"
    new.fiscal_year_start, new.fiscal_year_end = 2022, 2026
    new.approved_date = None
    new.layout = 2022
    g1, g2, g3 = new.goals
    o = {obj.number: obj for obj in new.iter_objectives()}
    g2.title = g2.title.replace("significant advances", "lasting advances")
    o["1.2"].title = o["1.2"].title.replace("institutional reform", "deep institutional reform", 1).replace(
        "support", "sustain", 1)
    o["1.1"].linkages = o["1.1"].linkages + ["SDG 16"]
    o["1.1"].indicators = [doc.Indicator(code="1.1-CIV", name="Civil-military dialogues held", unit="dialogues")]
    added = doc.Objective(number="1.3", title="Recruitment of youth by violent extremist groups in central Mali "
                          "reduced.", justification="New in 2022: prevention programmes in Mopti and Ségou.",
                          linkages=["CDCS DO1"])
    o["1.3"].number = "1.4"
    o["1.3"].linkages = ["CDCS TO2"]  # was CDCS TO1
    g1.objectives = [o["1.1"], o["1.2"], added, o["1.3"]]
    merged = o["2.1"].model_copy(deep=True)
    merged.title = ("Adaptive capacity and socio-economic well-being of vulnerable communities and households "
                    "advanced.")
    merged.justification = (o["2.1"].justification or "") + "\n\n" + (o["2.2"].justification or "")
    o["2.3"].number = "2.2"
    g2.objectives = [merged, o["2.3"]]
    trust_national = o["3.1"].model_copy(deep=True)
    trust_national.title = "Public trust in national government institutions improved."
    trust_local = doc.Objective(number="3.3", title="Public trust in local government and decentralized "
                                "services improved.", justification="Split from 2018 objective 3.1.")
    o["3.3"].number = "3.2"
    o["3.3"].title = o["3.3"].title.replace("equal access", "equitable access")
    g3.objectives = [trust_national, o["3.3"], trust_local]
    new.management_objectives.append(doc.ManagementObjective(
        number="2", title="The mission's information technology infrastructure is modernized and secure.",
        justification="New in 2022."))
    return new


if __name__ == "__main__":
    (HERE / "data" / "mali-2022.json").write_text(build().to_json(), encoding="utf-8")
