"""Accent- and case-insensitive search text, shared by every backend.

SQLite has no unaccent: each searchable row keeps a normalised copy of its text, and the query
is normalised the same way, so "émergence" finds "Emergence" and "croix rouge" finds
"Croix-Rouge" on any database.
"""

import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")


def normalize(text: str) -> str:
    """Lower case, no accents, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    # Lower case first: "Œ" and "Æ" have no decomposition, and only their lower-case forms
    # are spelled out below ("Œuvre" must become "oeuvre", not "uvre").
    lowered = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = lowered.replace("œ", "oe").replace("æ", "ae")
    return _NON_WORD.sub(" ", ascii_text).strip()


def terms(query: str) -> list[str]:
    """The distinct words of a query, normalised, at most ten (a query is not a document)."""
    seen: list[str] = []
    for word in normalize(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:10]
