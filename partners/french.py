"""French grammar around names that the portal does not write itself.

A partner's name follows "de", "à" or an article in many sentences: "Toutes les actions
d'Emergence", "la fiche de la Croix-Rouge", "Représentants du Toit thionvillois". The rules here
are the everyday ones, kept simple on purpose:

- elision before a vowel sound: a vowel (accented or not, any case: "Émergence", "ATAV") or a
  mute h from a short list of common words ("habitat", "hôpital"...); any other h is taken as
  aspirated ("de Handi'chiens"), since a wrong elision reads worse than a missing one;
- an acronym is elided when its first letter is a vowel ("d'ATAV", "de CIFF"); "F", "L", "M"...
  spelled letter by letter do begin with a vowel sound, but most such acronyms are read as words
  ("de la FNAC"), so they are not elided;
- a leading article contracts: "Le Toit" gives "du Toit" and "au Toit", "Les Restos" gives "des
  Restos" and "aux Restos", "La Croix-Rouge" gives "de la Croix-Rouge", "L'Arche" gives "de
  l'Arche";
- a name between quotation marks (« », “ ”, ") keeps its own words: the article inside the
  quotes is part of the title and is not contracted, but the preposition is still elided before
  a vowel ("d'« Entraide »").
"""

import unicodedata

from django.utils import formats

_VOWELS = set("aeiouyœæ")

# Words whose h is mute (elided: "l'habitat", "d'hébergement"). Any other h is aspirated.
MUTE_H_WORDS = (
    "habit",  # habitat, habitants, habitation
    "harmoni",
    "hebergement",
    "heberge",
    "herbe",
    "heure",
    "histoire",
    "homme",
    "hopita",  # hôpital, hôpitaux
    "horizon",
    "horticult",
    "hospital",  # hospitalité, hospitalier
    "hotel",
    "huma",  # humanité, humanitaire, humain
    "hygiene",
    "hymne",
)

_OPENING_QUOTES = "«“\"‘'"
_SPACES = " \u00a0\u202f"


def _base_letters(word: str) -> str:
    decomposed = unicodedata.normalize("NFKD", word)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def starts_with_vowel_sound(text: str) -> bool:
    """Whether "le", "de" or "que" elide before this text."""
    word = text.lstrip(_OPENING_QUOTES + _SPACES).split(" ", 1)[0]
    if not word:
        return False
    letters = _base_letters(word)
    first = letters[0]
    if word[0] in "Yy" and len(word) > 1 and _base_letters(word[1]) in _VOWELS:
        return False  # "Yoga", "Yeux": a consonant y
    if first in _VOWELS:
        return True
    return first == "h" and letters.startswith(MUTE_H_WORDS)


def _split_article(name: str) -> tuple[str, str]:
    """("le" | "la" | "les" | "l'" | "", rest) for a name that does not start with a quote."""
    for article in ("Les ", "Le ", "La "):
        if name.startswith((article, article.lower())):
            return article.strip().lower(), name[len(article) :]
    for apostrophe in ("'", "’"):
        if name[:2].lower() == "l" + apostrophe:
            return "l'", name[2:]
    return "", name


def de(name: str) -> str:
    """ "de" + name: "d'Emergence", "de la Croix-Rouge", "du Toit", "des Restos", "de l'Arche"."""
    name = str(name or "").strip()
    if not name:
        return name
    if name[0] in _OPENING_QUOTES:
        return ("d'" if starts_with_vowel_sound(name) else "de ") + name
    article, rest = _split_article(name)
    if article == "le":
        return f"du {rest}"
    if article == "les":
        return f"des {rest}"
    if article == "la":
        return f"de la {rest}"
    if article == "l'":
        return f"de l'{rest}"
    return ("d'" if starts_with_vowel_sound(name) else "de ") + name


def a(name: str) -> str:
    """ "à" + name: "à Emergence", "au Toit", "aux Restos", "à la Croix-Rouge", "à l'Arche"."""
    name = str(name or "").strip()
    if not name:
        return name
    if name[0] in _OPENING_QUOTES:
        return f"à {name}"
    article, rest = _split_article(name)
    if article == "le":
        return f"au {rest}"
    if article == "les":
        return f"aux {rest}"
    if article == "la":
        return f"à la {rest}"
    if article == "l'":
        return f"à l'{rest}"
    return f"à {name}"


def article(name: str) -> str:
    """The name as it reads after a verb, its own article in lower case ("la Croix-Rouge",
    "l'Arche"), or "l'" before an acronym or a name that starts with a vowel sound when it has
    none ("l'ATAV"); other names without an article are left as they are ("Emergence" stays a
    proper noun, and its gender is not known)."""
    name = str(name or "").strip()
    if not name or name[0] in _OPENING_QUOTES:
        return name
    article_word, rest = _split_article(name)
    if article_word == "l'":
        return f"l'{rest}"
    if article_word:
        return f"{article_word} {rest}"
    first_word = name.split(" ", 1)[0]
    if first_word.isupper() and len(first_word) > 1 and starts_with_vowel_sound(name):
        return f"l'{name}"
    return name


# --- dates and times -----------------------------------------------------------------------------
# One time format everywhere, as French typography writes it: "14 h 30", "9 h 05", with
# non-breaking spaces so that the hour never ends a line. The first day of a month is "1er".

TIME_FORMAT = "G\u00a0\\h\u00a0i"
_TIME_FORMATS = ("H:i", "H\\hi", "G:i", "G\\hi")


def french_format(fmt: str, value) -> str:
    """A Django date format with French typography: the hour as TIME_FORMAT, and "1er" for
    the first day of a month (the unescaped "j" of the format, when the value's day is 1)."""
    for written in _TIME_FORMATS:
        fmt = fmt.replace(written, TIME_FORMAT)
    if getattr(value, "day", None) != 1:
        return fmt
    result, escaped = [], False
    for char in fmt:
        if escaped:
            result.append(char)
            escaped = False
        elif char == "\\":
            result.append(char)
            escaped = True
        elif char == "j":
            result.append("\\1\\e\\r")
        else:
            result.append(char)
    return "".join(result)


def format_date(value, fmt: str = "j F Y") -> str:
    """django.utils.formats.date_format with French typography (see french_format)."""
    return formats.date_format(value, french_format(fmt, value))


def format_time(value, fmt: str = TIME_FORMAT) -> str:
    return formats.time_format(value, french_format(fmt, value))
