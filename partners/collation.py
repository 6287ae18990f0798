"""The order in which French readers expect names: case and accents ignored ("Amazone Team"
before "ATAV", "Égalité" among the E), numbers by value ("n° 2" before "n° 10").

On PostgreSQL it is an ICU collation created by a migration (partners 0003) and named on the
columns that lists sort by (`db_collation=COLLATION`). SQLite has no ICU: the same name is
registered on each of its connections as a Python function with the same rules (without ICU's
finer points such as the French accent order of the second level, which a directory does not
need).
"""

import functools
import re
import unicodedata

COLLATION = "utopia_fr"
# French, numbers compared by value ("kn", "numeric ordering" in ICU's words).
ICU_LOCALE = "fr-u-kn"

_NUMBER = re.compile(r"(\d+)")


@functools.lru_cache(maxsize=4096)
def sort_key(text: str) -> str:
    """The comparison key: no accents, case folded, ligatures spelled out, numbers padded so
    that they compare by value."""
    decomposed = unicodedata.normalize("NFKD", text)
    folded = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    folded = folded.replace("œ", "oe").replace("æ", "ae")
    return _NUMBER.sub(lambda match: match.group().zfill(20), folded)


def compare(left: str, right: str) -> int:
    """SQLite's collation function. Distinct texts never compare equal (as with PostgreSQL's
    deterministic collations), so a unique column still tells "Atav" from "ATAV"."""
    left_key, right_key = sort_key(left), sort_key(right)
    if left_key != right_key:
        return -1 if left_key < right_key else 1
    return (left > right) - (left < right)


def register_sqlite_collation(sender, connection, **kwargs):
    """connection_created receiver: the collation on each new SQLite connection."""
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)
