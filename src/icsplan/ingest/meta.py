"""Document metadata: country, classification banner, approval and review dates, edition."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field

_MONTHS = {
    name: index
    for index, names in enumerate(
        (("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"), ("may",),
         ("jun", "june"), ("jul", "july"), ("aug", "august"), ("sep", "sept", "september"),
         ("oct", "october"), ("nov", "november"), ("dec", "december")),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_DATE_FORMS = (
    re.compile(rf"^{_MONTH}[ \t]+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?[ \t]+(?P<year>\d{{4}})"),
    re.compile(rf"^(?P<day>\d{{1,2}})(?:st|nd|rd|th)?[ \t]+{_MONTH}[ \t]+(?P<year>\d{{4}})"),
    re.compile(r"^(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})"),
    re.compile(r"^(?P<mnum>\d{1,2})/(?P<day>\d{1,2})/(?P<year>\d{4})"),
    re.compile(rf"^{_MONTH},?[ \t]+(?P<year>\d{{4}})"),
)
_APPROVAL_PART = re.compile(
    r"(?P<key>originally[ \t]+approved|approved|reviewed[ \t]+and[ \t]+updated|reviewed|updated|revised"
    r"|date[ \t]+approved|approval[ \t]+date)(?:[ \t]+on)?[ \t]*[:\-–]?[ \t]*",
    re.IGNORECASE,
)
_ICS_TITLE = re.compile(
    r"^(?:U\.S\.[ \t]+)?(?:Integrated[ \t]+Country[ \t]+Strategy|ICS)\b[ \t:–—-]*(?:(?:for|of)[ \t]+)?(?P<rest>.*)$",
    re.IGNORECASE,
)
_FISCAL_RANGE = re.compile(r"\bFY[ \t]?(?P<a>\d{4}|\d{2})[ \t]*[-–—][ \t]*(?:FY[ \t]?)?(?P<b>\d{4}|\d{2})\b")
_YEAR_ONLY = re.compile(r"^(?:(?:19|20)\d\d)$")
_STRIP_YEARS = re.compile(r"[ \t,–—-]*(?:\bFY[ \t]?\d{2,4}(?:[ \t]*[-–—][ \t]*(?:FY[ \t]?)?\d{2,4})?|\b(?:19|20)\d\d\b)[ \t]*")
_MISSION_PREFIX = re.compile(r"^(?:the[ \t]+)?(?:U\.S\.[ \t]+)?(?:Mission|Embassy)(?:[ \t]+(?:to|in))?[ \t]+", re.I)
_COUNTRY = re.compile(r"^(?:the[ \t]+)?[A-Z][A-Za-z'’.\-]+(?:[ \t]+(?:and|of|the|[A-Z][A-Za-z'’.\-]+)){0,5}$")
_NOT_COUNTRY = re.compile(
    r"^(?:integrated|country|strategy|contents|table|mission|goals?|objectives?|priorities|framework|approved"
    r"|draft|final|unclassified|classified|public|release|sensitive|annex|overview)\b",
    re.IGNORECASE,
)
# The post and bureau lines of a cover: "Embassy Bamako", "U.S. Consulate General Lagos",
# "Regional bureau: AF" (icsplan's cover prints both under the country).
_POST = re.compile(r"^(?:U\.S\.[ \t]+)?(?:Embassy|Consulate[ \t]+General|Consulate|Liaison[ \t]+Office)[ \t]+"
                   r"(?:in[ \t]+|to[ \t]+(?:the[ \t]+)?)?[A-Z][\w'’.\- ]{1,60}$")
_BUREAU = re.compile(r"^Regional[ \t]+bureau:[ \t]*(?P<bureau>[A-Z]{2,4})$", re.IGNORECASE)
_MISSION_NAME = re.compile(r"\b(?:Mission|Government[ \t]+of(?:[ \t]+the)?)[ \t]+([A-Z][a-z]{2,}(?:[ \t]+[A-Z][a-z]{2,})?)")
_MISSION_STOP = {
    "Goal", "Goals", "Objective", "Objectives", "Strategic", "Sub", "Priorities", "Resources", "Management",
    "Statement", "Strategy", "The", "United", "States",
}


def parse_date(text: str) -> dt.date | None:
    """A date written at the start of *text* in one of the forms ICS documents use, or None."""
    text = text.strip()
    for form in _DATE_FORMS:
        match = form.match(text)
        if not match:
            continue
        groups = match.groupdict()
        month = _MONTHS.get(groups["month"].lower()) if groups.get("month") else int(groups["mnum"])
        if not month:
            continue
        try:
            return dt.date(int(groups["year"]), month, int(groups.get("day") or 1))
        except ValueError:
            continue
    return None


@dataclass
class Metadata:
    """What the title page and the page furniture say about the document."""

    classification: str | None = None
    approved_date: dt.date | None = None
    review_dates: list[dt.date] = field(default_factory=list)
    country: str | None = None
    edition: str | None = None
    fiscal_year_start: int | None = None
    fiscal_year_end: int | None = None
    post: str | None = None
    bureau: str | None = None

    def add_banner(self, banner: str) -> None:
        """Record the classification banner; the first one printed is the document's."""
        if self.classification is None:
            self.classification = banner

    def add_approval_line(self, line: str) -> None:
        """Read "Originally Approved: <date> Reviewed and Updated: <date>" and its variants."""
        parts = list(_APPROVAL_PART.finditer(line))
        for part in parts:
            date = parse_date(line[part.end():])
            if date is None:
                continue
            if "approv" in part.group("key").lower():
                if self.approved_date is None:
                    self.approved_date = date
            elif date not in self.review_dates:
                self.review_dates.append(date)

    def read_header(self, lines: list[str]) -> None:
        """Country, printed edition and fiscal years from the lines before the first section."""
        after_title = False
        for line in lines:
            self._fiscal_years(line)
            plain = line.strip().strip("*#").strip()
            bureau = _BUREAU.match(plain)
            if bureau:
                self.bureau = self.bureau or bureau.group("bureau").upper()
                continue
            if self.post is None and _POST.match(plain):
                self.post = plain
                continue
            match = _ICS_TITLE.match(line)
            if match:
                after_title = True
                rest = match.group("rest")
                self._edition_from(rest)
                self._country_from(rest)
                continue
            if _YEAR_ONLY.match(line) and self.edition is None:
                self.edition = line
                continue
            if (after_title or len(lines) <= 6) and self.country is None:
                self._country_from(line)

    def _edition_from(self, text: str) -> None:
        match = re.search(r"\b((?:19|20)\d\d)\b", text)
        if match and self.edition is None and not _FISCAL_RANGE.search(text):
            self.edition = match.group(1)

    def _fiscal_years(self, line: str) -> None:
        match = _FISCAL_RANGE.search(line)
        if match and self.fiscal_year_start is None:
            start, end = (int(v) + (2000 if len(v) == 2 else 0) for v in (match.group("a"), match.group("b")))
            if start <= end:
                self.fiscal_year_start, self.fiscal_year_end = start, end

    def _country_from(self, text: str) -> None:
        if self.country is not None:
            return
        candidate = _MISSION_PREFIX.sub("", _STRIP_YEARS.sub(" ", text).strip(" \t:–—-")).strip(" \t:–—-,")
        if candidate.isupper() and len(candidate) > 4:  # a title page in capitals: "REPUBLIC OF KORVA"
            candidate = " ".join(w.lower() if w in ("OF", "AND", "THE") else w.capitalize() for w in candidate.split())
        if 2 <= len(candidate) <= 50 and _COUNTRY.match(candidate) and not _NOT_COUNTRY.match(candidate):
            self.country = candidate

    def guess_country(self, text: str) -> None:
        """Fallback: the name most often written after "Mission" or "Government of" in the text."""
        if self.country is not None:
            return
        counts = Counter(m.group(1) for m in _MISSION_NAME.finditer(text) if m.group(1).split()[0] not in _MISSION_STOP)
        if counts:
            self.country = counts.most_common(1)[0][0]

    def finish(self) -> None:
        """Derive the edition from the approval date or the fiscal years when none was printed."""
        if self.edition is None and self.approved_date is not None:
            self.edition = str(self.approved_date.year)
        if self.edition is None and self.fiscal_year_start is not None:
            self.edition = str(self.fiscal_year_start)
