"""Accent- and case-insensitive search text, shared by every backend.

SQLite has no unaccent: each searchable row keeps a normalised copy of its text, and the query
is normalised the same way, so "émergence" finds "Emergence" and "croix rouge" finds
"Croix-Rouge" on any database. Dotted acronyms are joined ("A.F.A.D." is "afad"), so that the
query "A.F.A.D." looks for one word, not four letters found in every name.

A query close to a name but misspelt ("emergnce", "croix roug") is matched by similarity:
PostgreSQL's trigrams (pg_trgm) when the database is PostgreSQL, Python's difflib on the
normalised names otherwise.
"""

import difflib
import re
import unicodedata

_NON_WORD = re.compile(r"[^0-9a-z]+")
# Two or more single letters each followed by a dot, the last dot optional: "A.F.A.D.", "C.I.F.F",
# "a.f.a.d". Letters are matched after accents are removed and the text is lowered.
_DOTTED_ACRONYM = re.compile(r"\b(?:[a-z]\.){2,}(?:[a-z]\b\.?)?")

# Similarity (0 to 1) from which a misspelt query finds a name, and the lower one from which a
# name is suggested when nothing was found.
MATCH_SIMILARITY = 0.75
SUGGESTION_SIMILARITY = 0.45
# The same on PostgreSQL, in pg_trgm's word similarity (shared trigrams over all trigrams: one
# letter missing in "emergnce" already costs five of twelve).
TRIGRAM_SIMILARITY = 0.5
TRIGRAM_SUGGESTION_SIMILARITY = 0.3


def normalize(text: str) -> str:
    """Lower case, no accents, dotted acronyms joined, words separated by single spaces."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    # Lower case first: "Œ" and "Æ" have no decomposition, and only their lower-case forms
    # are spelled out below ("Œuvre" must become "oeuvre", not "uvre").
    lowered = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_text = lowered.replace("œ", "oe").replace("æ", "ae")
    ascii_text = _DOTTED_ACRONYM.sub(lambda match: match.group().replace(".", ""), ascii_text)
    return _NON_WORD.sub(" ", ascii_text).strip()


def terms(query: str) -> list[str]:
    """The distinct words of a query, normalised, at most ten (a query is not a document)."""
    seen: list[str] = []
    for word in normalize(query).split():
        if word not in seen:
            seen.append(word)
    return seen[:10]


def similarity(query: str, names: str) -> float:
    """How close a normalised query is to the closest run of as many words in normalised names
    (the name and the acronym): "croix roug" is compared with "croix rouge", not with the whole
    "croix rouge francaise ..."."""
    query_words, words = query.split(), names.split()
    if not query_words or not words:
        return 0.0
    size = min(len(query_words), len(words))
    runs = {" ".join(words[i : i + size]) for i in range(len(words) - size + 1)}
    return max(difflib.SequenceMatcher(None, query, run).ratio() for run in runs)
