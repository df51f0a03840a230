"""Report periods and figures as the report writes them."""

from __future__ import annotations

from decimal import Decimal

from icsplan.errors import InputError

from ...content import clean_text


# -- periods ------------------------------------------------------------------------------------
def report_period(text: str, strategy_row=None) -> str:
    """The canonical id of a reporting period ("fy2021" -> "FY2021"), checked against the
    strategy's years; one-sentence ``InputError`` otherwise."""
    from icsplan.indicators.periods import Period
    from icsplan.indicators.validation import strategy_years

    try:
        period = Period.parse(text)
    except ValueError:
        raise InputError(
            f"{str(text or '').strip() or 'an empty value'!r} is not a fiscal period; use FY2021, FY2021H1 or FY2021Q3.",
            code="bad-period",
        ) from None
    years = strategy_years(strategy_row) if strategy_row is not None else None
    if years and not years[0] <= period.fiscal_year <= years[1]:
        raise InputError(
            f"{period.id} is outside the years of this strategy (FY{years[0]}\u2013FY{years[1]}).",
            code="bad-period",
        )
    return period.id


def period_span(period_id: str) -> str:
    from icsplan.indicators.periods import Period

    period = Period.parse(period_id)
    return f"{period.start:%B %Y} \u2013 {period.end:%B %Y}"


# -- figures --------------------------------------------------------------------------------------
def number(value: Decimal | float | None, value_type: str) -> str:
    if value is None:
        return ""
    number = float(value)
    if value_type == "milestone":
        return "yes" if number >= 1 else "no"
    text = f"{number:,.0f}" if number.is_integer() else f"{number:,.2f}".rstrip("0").rstrip(".")
    return text + ("%" if value_type == "percent" else "")


def written(row, value_type: str) -> str:
    """A value as people wrote it, with a % for percents."""
    text = clean_text(row.value).strip()
    if not text and row.number is not None:
        return number(row.number, value_type)
    if text.isdigit() and len(text) > 4:
        text = f"{int(text):,}"  # 5000000 -> 5,000,000; figures written with separators stay as written
    if value_type == "percent" and text and not text.endswith("%"):
        try:
            float(text.replace(",", ""))
            text += "%"
        except ValueError:
            pass
    return text


def sbu_cell(text: str, sbu: bool) -> str:
    return f"(SBU) {text}" if sbu and text else text
