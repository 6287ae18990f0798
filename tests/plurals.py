"""The French catalogue of the portal's plurals: `python -m tests.plurals` (or `make messages`).

The interface is written in French in the code, so no catalogue is needed to show it, except
for one thing: without a catalogue, gettext chooses a plural by the English rule, and "0
partenaire trouvé" came out as "0 partenaires trouvés". French takes the singular for 0 and 1.
The second part of locale/fr/LC_MESSAGES/django.po therefore holds every plural message of the
code and templates, translated by itself, under French's plural rule (its first part, written by
hand, corrects Django's back-office French); django.mo is its compiled form (kept in the
repository, so that running the portal needs no gettext tools). tests/utopia/test_french_copy.py
fails when a plural is missing from it.
"""

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

from django.utils.translation.template import templatize

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ["partners", "plenaries", "workgroups", "utopia", "templates"]
CATALOGUE = ROOT / "locale" / "fr" / "LC_MESSAGES" / "django.po"
PLURAL_CALLS = {"ngettext", "ngettext_lazy", "npgettext", "npgettext_lazy"}
_STRING = r"""u?(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")"""
_TEMPLATE_CALL = re.compile(
    rf"\b(n?p?gettext|ngettext|npgettext)\(({_STRING}),\s*({_STRING})(?:,\s*({_STRING}))?"
)

# The catalogue's first part is written by hand (back-office overrides, see its header); this
# line starts the part that this module writes.
MARKER = (
    "# --- Plural messages of the code and templates, each translated by itself (French takes\n"
    "# the singular for 0 and 1). Written by `make messages` (python -m tests.plurals): do not\n"
    "# edit below this line.\n"
)


def _python_plurals(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in PLURAL_CALLS:
            continue
        texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant)]
        texts = [text for text in texts if isinstance(text, str)]
        if name.startswith("np") and len(texts) >= 3:
            yield texts[0], texts[1], texts[2]
        elif len(texts) >= 2:
            yield None, texts[0], texts[1]


def _template_plurals(path: Path):
    code = templatize(path.read_text(encoding="utf-8"), origin=str(path))
    for match in _TEMPLATE_CALL.finditer(code):
        function, first, second, third = match.groups()
        if function == "ngettext":
            yield None, ast.literal_eval(first), ast.literal_eval(second)
        elif function == "npgettext" and third:
            yield (
                ast.literal_eval(first),
                ast.literal_eval(second),
                ast.literal_eval(third),
            )


def plural_messages() -> set[tuple[str | None, str, str]]:
    """(context, singular, plural) of every plural message of the code and templates."""
    found = set()
    for source in SOURCES:
        for path in sorted((ROOT / source).rglob("*")):
            if "migrations" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py":
                found.update(_python_plurals(path))
            elif path.suffix in (".html", ".txt"):
                found.update(_template_plurals(path))
    return found


def _quote(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def catalogue_text() -> str:
    """The catalogue as it should be: its hand-written part, then every plural message."""
    written = CATALOGUE.read_text(encoding="utf-8") if CATALOGUE.exists() else ""
    by_hand = written.split(MARKER)[0].rstrip("\n") + "\n"
    entries = []
    for context, singular, plural in sorted(plural_messages(), key=lambda m: (m[1], m[0] or "")):
        if f"\nmsgid {_quote(singular)}\n" in by_hand:
            continue  # translated by hand
        lines = ["#, python-format"] if "%" in singular + plural else []
        if context:
            lines.append(f"msgctxt {_quote(context)}")
        lines += [
            f"msgid {_quote(singular)}",
            f"msgid_plural {_quote(plural)}",
            f"msgstr[0] {_quote(singular)}",
            f"msgstr[1] {_quote(plural)}",
        ]
        entries.append("\n".join(lines))
    return by_hand + "\n" + MARKER + "\n" + "\n\n".join(entries) + "\n"


def write_catalogue() -> Path:
    CATALOGUE.parent.mkdir(parents=True, exist_ok=True)
    CATALOGUE.write_text(catalogue_text(), encoding="utf-8")
    subprocess.run(
        ["msgfmt", "--check", "-o", str(CATALOGUE.with_suffix(".mo")), str(CATALOGUE)],
        check=True,
    )
    return CATALOGUE


if __name__ == "__main__":
    # Imported here: a command-line entry point sets Django up before the catalogue is read.
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "utopia.settings")
    django.setup()
    print(write_catalogue())
