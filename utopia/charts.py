"""Charts drawn on the server as SVG: no JavaScript, printable, and each one is paired in its
template with a table of the same figures for screen readers and spreadsheets.

Colours and sizes are presentation attributes, not style attributes, so that the strict
Content-Security-Policy holds.
"""

from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

BAR_COLOUR = "#1d4f91"  # 8.6:1 on white
TEXT_COLOUR = "#1b1b1b"
GRID_COLOUR = "#6a6a6a"


@dataclass(frozen=True)
class Bar:
    label: str
    value: float


def _number(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def bar_chart(*, title: str, bars: list[Bar], unit: str = "", chart_id: str) -> SafeString:
    """Horizontal bars, one per row, labelled with their value; empty data draws nothing."""
    if not bars:
        return mark_safe("")
    label_width, bar_area, row_height, top = 230, 360, 26, 8
    width = label_width + bar_area + 70
    height = top * 2 + row_height * len(bars)
    largest = max((bar.value for bar in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" font-family="sans-serif" font-size="13">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<line x1="{label_width}" y1="{top - 4}" x2="{label_width}" '
        f'y2="{height - top + 4}" stroke="{GRID_COLOUR}" stroke-width="1"/>',
    ]
    for index, bar in enumerate(bars):
        y = top + index * row_height
        length = round(bar_area * bar.value / largest, 1)
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts += [
            f'<text x="{label_width - 8}" y="{y + 17}" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(label)}</text>',
            f'<rect x="{label_width}" y="{y + 4}" width="{length}" height="{row_height - 8}" '
            f'fill="{BAR_COLOUR}"/>',
            f'<text x="{label_width + length + 6}" y="{y + 17}" fill="{TEXT_COLOUR}">'
            f"{escape(_number(bar.value))}{escape(unit)}</text>",
        ]
    parts.append("</svg>")
    return mark_safe("".join(parts))
