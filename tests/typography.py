"""French typography of the portal's own text: a non-breaking space (U+00A0, the one the
portal uses everywhere) before ":", ";", "!" and "?", and inside « », so that a line never
starts with a colon or a lone guillemet. `python -m tests.typography` corrects the templates
and the Python strings in place (the apps' models, migrations and the charter's data aside).

What is checked: the text of templates (and the strings inside their tags, such as
`{% translate "Date :" %}`), and the string literals of the apps' Python modules except models
and migrations (their labels are part of the migrations' state, see the note in the test).
"""

import io
import re
import sys
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NBSP = "\u00a0"
TEMPLATES = ROOT / "templates"
PYTHON_SOURCES = ["partners", "plenaries", "workgroups", "utopia"]

# A plain space between a word (or a closing sign) and ":", ";", "!" or "?" that ends a word:
# "Date :", "Pourquoi ?", not "!=" nor "?page=".
_BEFORE_PUNCTUATION = re.compile(r"(?<=[^\s(\[{]) ([:;!?])(?=[\s\"'<)»]|$)", re.MULTILINE)
_AFTER_OPENING_GUILLEMET = re.compile(r"« ")
_BEFORE_CLOSING_GUILLEMET = re.compile(r" »")
_TEMPLATE_TAG = re.compile(r"({%.*?%}|{{.*?}}|{#.*?#})", re.DOTALL)
_QUOTED = re.compile(r"(\"[^\"]*\"|'[^']*')")


def fix_text(text: str) -> str:
    text = _BEFORE_PUNCTUATION.sub(NBSP + r"\1", text)
    text = _AFTER_OPENING_GUILLEMET.sub("«" + NBSP, text)
    return _BEFORE_CLOSING_GUILLEMET.sub(NBSP + "»", text)


def fix_template(source: str) -> str:
    """The template's text corrected; inside its tags, only the quoted strings."""
    parts = _TEMPLATE_TAG.split(source)
    for index, part in enumerate(parts):
        if index % 2 == 0:
            parts[index] = fix_text(part)
        elif not part.startswith("{#"):
            parts[index] = _QUOTED.sub(lambda match: fix_text(match.group()), part)
    return "".join(parts)


def fix_python(source: str) -> str:
    """The module with its string literals corrected (docstrings and comments included: they
    are French too, and a non-breaking space changes nothing to their reading)."""
    tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    lines = source.splitlines(keepends=True)
    # Replace from the end, so that earlier positions stay valid.
    for token in reversed(tokens):
        if token.type not in (tokenize.STRING, getattr(tokenize, "FSTRING_MIDDLE", -1)):
            continue
        (start_row, start_col), (end_row, end_col) = token.start, token.end
        if start_row != end_row:
            continue  # long strings span lines: corrected by hand if ever needed
        line = lines[start_row - 1]
        fixed = fix_text(line[start_col:end_col])
        lines[start_row - 1] = line[:start_col] + fixed + line[end_col:]
    return "".join(lines)


def template_files():
    return sorted(path for path in TEMPLATES.rglob("*") if path.suffix in (".html", ".txt"))


def python_files():
    for source in PYTHON_SOURCES:
        for path in sorted((ROOT / source).rglob("*.py")):
            if {"migrations", "models", "data"} & set(path.parts) or path.name == "models.py":
                continue  # labels held by migrations, and the charter's names as written
            yield path


def main() -> int:
    changed = 0
    for path in template_files():
        source = path.read_text(encoding="utf-8")
        if (fixed := fix_template(source)) != source:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    for path in python_files():
        source = path.read_text(encoding="utf-8")
        if (fixed := fix_python(source)) != source:
            path.write_text(fixed, encoding="utf-8")
            changed += 1
    print(f"{changed} files corrected")
    return 0


if __name__ == "__main__":
    sys.exit(main())
