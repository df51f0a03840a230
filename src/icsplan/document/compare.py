"""Compare two editions of a strategy: what was kept, reworded, renumbered, merged, split, added
or dropped, and how linkages and indicators changed. No Django: it works on two canonical
``Strategy`` documents, so the CLI, the API and the web page give the same answer.

Numbering changes between editions, so elements are matched in three passes, per level (goals,
mission objectives, sub-objectives, management objectives):

1. the same wording (after normalising case, punctuation and quotes), whatever the number;
2. the same number, when the wording is still similar (``SIMILAR``);
3. the most similar remaining pairs, best first, above ``SIMILAR``.

Then merges and splits: a new element that also covers an old element left unmatched (most of
the old element's words are in it) is a merge; an old element covered by a new element left
unmatched is a split. What is still unmatched was dropped (old) or added (new).
"""

from __future__ import annotations

import difflib
import html
import json
import re
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Literal, Union

from .model import Goal, ManagementObjective, Objective, Strategy, SubObjective

Element = Union[Goal, Objective, SubObjective, ManagementObjective]
Level = Literal["goal", "objective", "sub_objective", "management_objective"]
LEVELS: tuple[Level, ...] = ("goal", "objective", "sub_objective", "management_objective")
LEVEL_LABELS: dict[str, str] = {"goal": "Mission Goal", "objective": "Mission Objective",
                                "sub_objective": "Sub-Objective", "management_objective": "Management Objective"}

#: Word-sequence similarity (0–1) above which two titles are the same element reworded.
SIMILAR = 0.5
#: Share of an element's content words found in another above which the other covers it.
COVERED = 0.6

_WORD = re.compile(r"[a-z0-9]+")
# Words that carry no meaning of their own in an objective's title.
_STOP = frozenset("a an and are as at be by for from has have in into is its it of on or our the their to "
                  "through with that this which will".split())


def _normal(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").replace("\u2019", "'").replace("\u2018", "'").lower()
    return " ".join(_WORD.findall(text.replace("'", "")))


def _words(text: str) -> list[str]:
    return _normal(text).split()


def _content(text: str) -> set[str]:
    return {w for w in _words(text) if w not in _STOP}


def similarity(a: str, b: str) -> float:
    """How alike two texts are, word by word (1 = the same words in the same order)."""
    wa, wb = _words(a), _words(b)
    if not wa and not wb:
        return 1.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def coverage(part: str, whole: str) -> float:
    """The share of ``part``'s content words that appear in ``whole``."""
    words = _content(part)
    if not words:
        return 0.0
    return len(words & _content(whole)) / len(words)


@dataclass(frozen=True)
class Segment:
    """One piece of a word-level redline: ``equal``, ``delete`` (old only) or ``insert`` (new only)."""

    op: Literal["equal", "delete", "insert"]
    text: str


def redline(old: str, new: str) -> list[Segment]:
    """A word-level redline from ``old`` to ``new`` (whitespace kept with the words)."""
    a = re.findall(r"\S+\s*", old or "")
    b = re.findall(r"\S+\s*", new or "")
    key_a = [t.strip() for t in a]
    key_b = [t.strip() for t in b]
    out: list[Segment] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, key_a, key_b, autojunk=False).get_opcodes():
        if tag == "equal":
            out.append(Segment("equal", "".join(b[j1:j2])))
            continue
        if i2 > i1:
            out.append(Segment("delete", "".join(a[i1:i2])))
        if j2 > j1:
            out.append(Segment("insert", "".join(b[j1:j2])))
    return out


@dataclass
class Change:
    """One element's fate between the two editions.

    ``kinds`` holds one or more of: kept, reworded, renumbered, merged, split, added, dropped
    (an objective can be renumbered *and* reworded). ``old``/``new`` are the numbers on each side.
    """

    level: str
    kinds: list[str]
    old: list[str]
    new: list[str]
    old_title: str | None = None
    new_title: str | None = None
    similarity: float | None = None
    redline: list[Segment] = field(default_factory=list)
    linkages_added: list[str] = field(default_factory=list)
    linkages_removed: list[str] = field(default_factory=list)
    indicators_added: list[str] = field(default_factory=list)
    indicators_removed: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        """A one-line summary: "Mission Objective 1.3 → 1.4: renumbered"."""
        old = ", ".join(self.old) or "—"
        new = ", ".join(self.new) or "—"
        return f"{LEVEL_LABELS[self.level]} {old} → {new}: {', '.join(self.kinds)}"


@dataclass
class Comparison:
    """Every change between two editions, in the new edition's order (dropped ones last)."""

    country: str
    old_edition: str
    new_edition: str
    changes: list[Change]

    def of(self, kind: str, level: str | None = None) -> list[Change]:
        """The changes of one kind (and level)."""
        return [c for c in self.changes if kind in c.kinds and (level is None or c.level == level)]

    def summary(self) -> dict[str, int]:
        """How many changes of each kind."""
        out: dict[str, int] = {}
        for change in self.changes:
            for kind in change.kinds:
                out[kind] = out.get(kind, 0) + 1
        return out

    def as_dict(self) -> dict[str, object]:
        """The comparison as plain JSON-able data."""
        return {"schema": "icsplan.comparison/1", "country": self.country, "from": self.old_edition,
                "to": self.new_edition, "summary": self.summary(),
                "changes": [dict(asdict(c), label=c.label) for c in self.changes]}


def _elements(strategy: Strategy, level: Level) -> list[Element]:
    out: list[Element] = []
    if level == "goal":
        out.extend(strategy.goals)
    elif level == "objective":
        out.extend(strategy.iter_objectives())
    elif level == "management_objective":
        out.extend(strategy.management_objectives)
    else:
        for kind, element in strategy.iter_elements():
            if kind == "sub_objective":
                out.append(element)
    return out


def _title(element: Element) -> str:
    return element.title or element.framework_title or ""


def _match(old: list[Element], new: list[Element]) -> dict[int, int]:
    """Pairs (old index → new index) by wording, then number, then similarity."""
    pairs: dict[int, int] = {}
    taken: set[int] = set()
    by_text: dict[str, list[int]] = {}
    for j, element in enumerate(new):
        by_text.setdefault(_normal(_title(element)), []).append(j)
    for i, element in enumerate(old):
        for j in by_text.get(_normal(_title(element)), []):
            if j not in taken:
                pairs[i] = j
                taken.add(j)
                break
    scores = {(i, j): similarity(_title(a), _title(b))
              for i, a in enumerate(old) if i not in pairs for j, b in enumerate(new) if j not in taken}
    for i, element in enumerate(old):
        if i in pairs:
            continue
        for j, other in enumerate(new):
            if j not in taken and other.number == element.number and scores[(i, j)] >= SIMILAR:
                pairs[i] = j
                taken.add(j)
                break
    for (i, j), score in sorted(scores.items(), key=lambda kv: (-kv[1], kv[0])):
        if score < SIMILAR or i in pairs or j in taken:
            continue
        pairs[i] = j
        taken.add(j)
    return pairs


def _indicator_codes(element: Element) -> list[str]:
    return [indicator.code for indicator in element.indicators]


def _pair_change(level: Level, a: Element, b: Element) -> Change:
    kinds: list[str] = []
    if a.number != b.number:
        kinds.append("renumbered")
    same_words = _normal(_title(a)) == _normal(_title(b))
    if not same_words:
        kinds.append("reworded")
    change = Change(level, kinds or ["kept"], [a.number], [b.number], _title(a), _title(b),
                    round(similarity(_title(a), _title(b)), 3))
    if not same_words:
        change.redline = redline(_title(a), _title(b))
    _attachments(change, a, b)
    return change


def _attachments(change: Change, a: Element, b: Element) -> None:
    old_links, new_links = set(a.linkages), set(b.linkages)
    change.linkages_added = [tag for tag in b.linkages if tag not in old_links]
    change.linkages_removed = [tag for tag in a.linkages if tag not in new_links]
    old_codes, new_codes = set(_indicator_codes(a)), set(_indicator_codes(b))
    change.indicators_added = [c for c in _indicator_codes(b) if c not in old_codes]
    change.indicators_removed = [c for c in _indicator_codes(a) if c not in new_codes]


def _level_changes(level: Level, old: list[Element], new: list[Element]) -> list[Change]:
    pairs = _match(old, new)
    matched_new = set(pairs.values())
    # Merges: a new element that also covers old elements nobody matched.
    merged_into: dict[int, list[int]] = {}
    for i, a in enumerate(old):
        if i in pairs:
            continue
        best = max(((coverage(_title(a), _title(b)), j) for j, b in enumerate(new)), default=(0.0, -1))
        if best[0] >= COVERED and best[1] in matched_new:
            merged_into.setdefault(best[1], []).append(i)
    merged_old = {i for members in merged_into.values() for i in members}
    # Splits: an old element covered by a new element nobody matched.
    split_from: dict[int, list[int]] = {}
    for j, b in enumerate(new):
        if j in matched_new:
            continue
        best = max(((coverage(_title(a), _title(b)), i) for i, a in enumerate(old) if i in pairs),
                   default=(0.0, -1))
        if best[0] >= COVERED:
            split_from.setdefault(best[1], []).append(j)
    split_new = {j for members in split_from.values() for j in members}
    by_new: dict[int, Change] = {}
    inverse = {j: i for i, j in pairs.items()}
    for j, b in enumerate(new):
        if j in split_new:
            continue
        paired = inverse.get(j)
        if paired is None:
            change = Change(level, ["added"], [], [b.number], None, _title(b))
            _attachments(change, b.model_copy(update={"linkages": [], "indicators": []}), b)
        else:
            a = old[paired]
            change = _pair_change(level, a, b)
            if j in merged_into:
                change.kinds = ["merged"]
                change.old = [a.number] + [old[k].number for k in merged_into[j]]
                change.old_title = " / ".join([_title(a)] + [_title(old[k]) for k in merged_into[j]])
            if paired in split_from:
                change.kinds = ["split"]
                change.new = [b.number] + [new[k].number for k in split_from[paired]]
                change.new_title = " / ".join([_title(b)] + [_title(new[k]) for k in split_from[paired]])
        by_new[j] = change
    changes = [by_new[j] for j in sorted(by_new)]
    for i, a in enumerate(old):
        if i not in pairs and i not in merged_old:
            change = Change(level, ["dropped"], [a.number], [], _title(a), None)
            _attachments(change, a, a.model_copy(update={"linkages": [], "indicators": []}))
            changes.append(change)
    return changes


def compare(old: Strategy, new: Strategy) -> Comparison:
    """Every change from edition ``old`` to edition ``new`` of a strategy."""
    changes: list[Change] = []
    for level in LEVELS:
        changes.extend(_level_changes(level, _elements(old, level), _elements(new, level)))
    return Comparison(new.mission.country or old.mission.country, old.edition or "", new.edition or "", changes)


# -- output ----------------------------------------------------------------------------------------

def _redline_text(segments: list[Segment]) -> str:
    marks = {"equal": "{}", "delete": "[-{}-]", "insert": "{{+{}+}}"}
    return "".join(marks[s.op].format(s.text) if s.op == "equal" else marks[s.op].format(s.text.strip()) + " "
                   for s in segments).strip()


def _extras(change: Change) -> list[str]:
    lines = []
    for name, values in (("linkages added", change.linkages_added), ("linkages removed", change.linkages_removed),
                         ("indicators added", change.indicators_added),
                         ("indicators removed", change.indicators_removed)):
        if values:
            lines.append(f"    {name}: {', '.join(values)}")
    return lines


def to_text(comparison: Comparison) -> str:
    """A plain-text report, one change per line (kept elements without attachment changes omitted)."""
    lines = [f"ICS {comparison.country}: edition {comparison.old_edition} → {comparison.new_edition}",
             "Summary: " + ", ".join(f"{k} {v}" for k, v in sorted(comparison.summary().items())), ""]
    for change in comparison.changes:
        extras = _extras(change)
        if change.kinds == ["kept"] and not extras:
            continue
        lines.append(change.label)
        if change.redline:
            lines.append("    " + _redline_text(change.redline))
        elif change.kinds in (["merged"], ["split"]) and change.old_title and change.new_title:
            lines.append(f"    {change.old_title}  ⇒  {change.new_title}")
        elif change.kinds == ["added"] and change.new_title:
            lines.append(f"    {change.new_title}")
        elif change.kinds == ["dropped"] and change.old_title:
            lines.append(f"    {change.old_title}")
        lines.extend(extras)
    return "\n".join(lines) + "\n"


def to_json(comparison: Comparison) -> str:
    """The comparison as JSON (``icsplan.comparison/1``)."""
    return json.dumps(comparison.as_dict(), indent=2, ensure_ascii=False) + "\n"


def redline_html(segments: list[Segment]) -> str:
    """A redline as HTML: ``<del>`` and ``<ins>`` around changed words, every text escaped."""
    tags = {"equal": "{}", "delete": "<del>{}</del>", "insert": "<ins>{}</ins>"}
    return "".join(tags[s.op].format(html.escape(s.text)) for s in segments)


def to_html(comparison: Comparison) -> str:
    """A standalone HTML page of the comparison (every text escaped)."""
    e = html.escape
    rows = []
    for change in comparison.changes:
        if change.redline:
            text = redline_html(change.redline)
        else:
            text = e(change.new_title or change.old_title or "")
        extras = "".join(f"<li>{e(x.strip())}</li>" for x in _extras(change))
        rows.append(f"<tr class=\"{e(' '.join(change.kinds))}\"><td>{e(LEVEL_LABELS[change.level])}</td>"
                    f"<td>{e(', '.join(change.old))}</td><td>{e(', '.join(change.new))}</td>"
                    f"<td>{e(', '.join(change.kinds))}</td><td>{text}<ul>{extras}</ul></td></tr>")
    title = f"ICS {comparison.country}: {comparison.old_edition} → {comparison.new_edition}"
    return ("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>" + e(title) + "</title>"
            "<style>del{color:#a00}ins{color:#070}table{border-collapse:collapse}td,th{border:1px solid #ccc;"
            "padding:4px;vertical-align:top}</style></head><body><h1>" + e(title) + "</h1><table><thead><tr>"
            "<th>Level</th><th>Old</th><th>New</th><th>Change</th><th>Text</th></tr></thead><tbody>"
            + "".join(rows) + "</tbody></table></body></html>\n")


RENDERERS = {"text": to_text, "json": to_json, "html": to_html}
