"""Text helpers for matching names and building file- and URL-safe slugs.

They live in the core because both the village grouping (``indicators``) and
file names of downloads (``dashboard``) need the same spelling rules.
"""

from __future__ import annotations

import re
import unicodedata


def norm(name: str) -> str:
    """Name for matching: no accents, lower case, hyphens and dots as spaces, single spaces."""
    s = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    s = re.sub(r"[-.'’/]", " ", s.lower())
    return re.sub(r"\s+", " ", s).strip()


def slug(name: str) -> str:
    """URL- and code-safe slug: 'Nieuw-Amsterdam' → 'nieuw-amsterdam'."""
    return norm(name).replace(" ", "-")
