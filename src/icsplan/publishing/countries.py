"""ISO 3166-1 alpha-2 codes of the countries where U.S. missions write an ICS.

Every country of the Bureau of African Affairs (AF) plus common ones of the other bureaus, keyed
by a normalized name; the usual alternative spellings are listed too. Unknown names give None,
and the IATI export then simply leaves ``recipient-country`` out.
"""

from __future__ import annotations

import re
import unicodedata

_CODES = {
    # AF
    "angola": "AO", "benin": "BJ", "botswana": "BW", "burkina faso": "BF", "burundi": "BI",
    "cabo verde": "CV", "cape verde": "CV", "cameroon": "CM", "central african republic": "CF",
    "chad": "TD", "comoros": "KM", "democratic republic of the congo": "CD", "drc": "CD",
    "congo kinshasa": "CD", "republic of the congo": "CG", "congo brazzaville": "CG", "congo": "CG",
    "cote d ivoire": "CI", "ivory coast": "CI", "djibouti": "DJ", "equatorial guinea": "GQ",
    "eritrea": "ER", "eswatini": "SZ", "swaziland": "SZ", "ethiopia": "ET", "gabon": "GA",
    "gambia": "GM", "ghana": "GH", "guinea": "GN", "guinea bissau": "GW", "kenya": "KE",
    "lesotho": "LS", "liberia": "LR", "madagascar": "MG", "malawi": "MW", "mali": "ML",
    "mauritania": "MR", "mauritius": "MU", "mozambique": "MZ", "namibia": "NA", "niger": "NE",
    "nigeria": "NG", "rwanda": "RW", "sao tome and principe": "ST", "senegal": "SN",
    "seychelles": "SC", "sierra leone": "SL", "somalia": "SO", "south africa": "ZA",
    "south sudan": "SS", "sudan": "SD", "tanzania": "TZ", "togo": "TG", "uganda": "UG",
    "zambia": "ZM", "zimbabwe": "ZW",
    # NEA
    "algeria": "DZ", "bahrain": "BH", "egypt": "EG", "iraq": "IQ", "israel": "IL", "jordan": "JO",
    "kuwait": "KW", "lebanon": "LB", "libya": "LY", "morocco": "MA", "oman": "OM", "qatar": "QA",
    "saudi arabia": "SA", "tunisia": "TN", "united arab emirates": "AE", "yemen": "YE",
    # SCA
    "afghanistan": "AF", "bangladesh": "BD", "india": "IN", "kazakhstan": "KZ", "kyrgyzstan": "KG",
    "kyrgyz republic": "KG", "maldives": "MV", "nepal": "NP", "pakistan": "PK", "sri lanka": "LK",
    "tajikistan": "TJ", "turkmenistan": "TM", "uzbekistan": "UZ",
    # EAP
    "burma": "MM", "myanmar": "MM", "cambodia": "KH", "indonesia": "ID", "laos": "LA",
    "mongolia": "MN", "papua new guinea": "PG", "philippines": "PH", "thailand": "TH",
    "timor leste": "TL", "vietnam": "VN", "china": "CN", "japan": "JP", "south korea": "KR",
    # EUR
    "albania": "AL", "armenia": "AM", "azerbaijan": "AZ", "belarus": "BY",
    "bosnia and herzegovina": "BA", "georgia": "GE", "kosovo": "XK", "moldova": "MD",
    "montenegro": "ME", "north macedonia": "MK", "serbia": "RS", "turkey": "TR", "turkiye": "TR",
    "ukraine": "UA",
    # WHA
    "bolivia": "BO", "brazil": "BR", "colombia": "CO", "dominican republic": "DO", "ecuador": "EC",
    "el salvador": "SV", "guatemala": "GT", "haiti": "HT", "honduras": "HN", "jamaica": "JM",
    "mexico": "MX", "nicaragua": "NI", "panama": "PA", "paraguay": "PY", "peru": "PE",
    "venezuela": "VE",
}


def _normalize(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.sub(r"[^a-z]+", " ", ascii_name.lower()).split()
    if words[:1] == ["the"]:
        words = words[1:]
    return " ".join(words)


def country_code(name: str | None) -> str | None:
    """The ISO 3166-1 alpha-2 code of a country name, or None when it is not in the table."""
    if not name:
        return None
    return _CODES.get(_normalize(name))
