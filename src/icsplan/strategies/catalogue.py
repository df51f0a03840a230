"""The built-in catalogue of frameworks that linkages point to, and tag parsing.

Kept free of Django so the linter and the parser can use it too.
"""

from __future__ import annotations

import re

# code -> (name, aliases)
FRAMEWORKS: dict[str, tuple[str, list[str]]] = {
    "NSS": ("National Security Strategy", ["National Security Strategy"]),
    "JRS": ("Joint Regional Strategy", ["Joint Regional Strategy", "JRS"]),
    "JSP": ("Department of State / USAID Joint Strategic Plan", ["Joint Strategic Plan", "JSP"]),
    "CDCS": ("USAID Country Development Cooperation Strategy", ["Country Development Cooperation Strategy"]),
    "SDG": ("Sustainable Development Goals", ["Sustainable Development Goal", "Sustainable Development Goals"]),
}

_TAG = re.compile(r"^\s*([A-Za-z]+)\s*(.*?)\s*$")


def split_tag(tag: str) -> tuple[str | None, str]:
    """Split a normalized tag "CDCS DO2" into (framework code, item code); unknown framework -> None."""
    match = _TAG.match(tag)
    if not match:
        return None, tag.strip()
    prefix, rest = match.group(1).upper(), match.group(2)
    if prefix in FRAMEWORKS:
        return prefix, rest
    return None, tag.strip()
