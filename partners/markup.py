"""Markdown written by partners, rendered to HTML that cannot carry scripts."""

import html as html_lib
import re
from urllib.parse import urlsplit

import markdown
import nh3
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

ALLOWED_TAGS = {
    "p",
    "br",
    "strong",
    "em",
    "ul",
    "ol",
    "li",
    "blockquote",
    "code",
    "pre",
    "hr",
    "h2",
    "h3",
    "h4",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"scope"}}
URL_SCHEMES = {"http", "https", "mailto", "tel"}
MARKDOWN_EXTENSIONS = ["sane_lists", "tables"]
LINK = re.compile(r'\b(?:href|src)="([^"]*)"')


def render_markdown(text: str) -> str:
    """Markdown to sanitised HTML: no script, no event handler, no javascript: link.

    Headings start at level 2 because the page title is the only h1.
    """
    html = markdown.markdown(text or "", extensions=MARKDOWN_EXTENSIONS, output_format="html")
    for level in (3, 2, 1):  # shift h1→h2, h2→h3, h3→h4 so the outline stays valid
        html = html.replace(f"<h{level}>", f"<h{level + 1}>").replace(
            f"</h{level}>", f"</h{level + 1}>"
        )
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )


def markup_problems(text: str) -> list[str]:
    """What a form refuses in Markdown written by a partner, in French: raw HTML (Markdown
    would pass it through; the sanitiser would drop it silently) and links or images whose
    address is not web, mail or telephone (javascript:, data:). render_markdown stays the
    safety net for text that never went through a form."""
    md = markdown.Markdown(extensions=MARKDOWN_EXTENSIONS, output_format="html")
    html = md.convert(text or "")
    problems = []
    # Raw HTML, block or inline, is put aside in the stash (so are entities such as &eacute;,
    # which are harmless text).
    if any(str(chunk).lstrip().startswith("<") for chunk in md.htmlStash.rawHtmlBlocks):
        problems.append(
            _(
                "Le texte ne peut pas contenir de balises HTML : utilisez la mise en forme "
                "Markdown (**gras**, *italique*, listes, liens [texte](https://…))."
            )
        )
    for address in LINK.findall(html):
        scheme = urlsplit(html_lib.unescape(address).strip()).scheme.lower()
        if scheme and scheme not in URL_SCHEMES:
            problems.append(
                _(
                    "Le lien « %(address)s » n'est pas accepté : seuls les liens web "
                    "(https://…), courriel (mailto:) et téléphone (tel:) le sont."
                )
                % {"address": html_lib.unescape(address)[:40]}
            )
            break
    return problems


def validate_markup(text: str) -> None:
    """Field validator of every Markdown text people write (partner pages, actions, group
    missions, plenaries, themes, the charter): the admin, the portal's forms and the services'
    full_clean() all refuse what markup_problems names."""
    problems = markup_problems(text)
    if problems:
        raise ValidationError(problems, code="hostile_markup")
