"""Drawing charts with matplotlib as SVG markup to put inline in an HTML page: the
shared style and the SVG post-processing of the report's charts (`reports.charts`) and
the apps' own charts (outcomes, evaluations).

* No pyplot: each chart is its own `Figure`, so nothing is shared between requests.
* Deterministic output (fixed `svg.hashsalt`, no date or creator metadata), so the same
  chart gives the same bytes.
* Fit for a page with a strict Content-Security-Policy (`style-src 'self'`): matplotlib's
  inline `style` attributes and `<style>` element are turned into SVG presentation
  attributes, which a CSP does not block.
* Fit for several charts on one page: every `id` (and reference to it) is prefixed with
  `chart-<key>-`.
* Accessible: the SVG is `role="img"` with a `<title>`.
"""

from __future__ import annotations

import html
import io
import re
from collections.abc import Iterator
from contextlib import contextmanager

import matplotlib
from matplotlib.figure import Figure

# Explicit: no display and no GUI toolkit, whatever the environment says (the charts
# use Figure directly, so this matters only if something here ever reaches for pyplot).
matplotlib.use("Agg")

INK = "#1b1f24"
MUTED = "#4a5560"
LINE = "#c9d1d9"
ACCENT = "#0b5394"
TARGET = "#a61b1b"
FONT = "DejaVu Sans"  # shipped with matplotlib: the same metrics on every machine

RC = {
    "svg.hashsalt": "drogscen-report",
    "svg.fonttype": "none",  # text stays text: selectable, searchable, small
    "font.family": "sans-serif",
    "font.sans-serif": [FONT],
    "font.size": 9,
    "axes.edgecolor": LINE,
    "axes.labelcolor": INK,
    "axes.titlesize": 10,
    "xtick.color": MUTED,
    "ytick.color": MUTED,
    "xtick.labelcolor": INK,
    "ytick.labelcolor": INK,
    "text.color": INK,
    "legend.frameon": False,
    "legend.fontsize": 8,
    "hatch.linewidth": 0.5,
}
WIDTH_IN = 6.6  # an A4 page's text width


@contextmanager
def _drawing() -> Iterator[None]:
    with matplotlib.rc_context(RC):
        yield


def _figure(height: float, width: float = WIDTH_IN) -> Figure:
    return Figure(figsize=(width, height), layout="constrained")


def _plain_axes(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)


# --- SVG post-processing --------------------------------------------------------------------

_XML_DECLARATION = re.compile(r"<\?xml[^>]*\?>\s*")
_DOCTYPE = re.compile(r"<!DOCTYPE[^>]*>\s*", re.S)
_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.S)
_STYLE_ELEMENT = re.compile(r"\s*<style[^>]*>.*?</style>", re.S)
_EMPTY_DEFS = re.compile(r"\s*<defs>\s*</defs>")
_STYLE_ATTRIBUTE = re.compile(r' style="([^"]*)"')
_ID = re.compile(r'\bid="([^"]+)"')
_URL_REFERENCE = re.compile(r"url\(#([^)]+)\)")
_HREF_REFERENCE = re.compile(r'(xlink:href|href)="#([^"]+)"')


def _presentation_attributes(match: re.Match) -> str:
    attributes = []
    for declaration in match.group(1).split(";"):
        name, _sep, value = declaration.partition(":")
        name, value = name.strip(), value.strip()
        if not name or not value:
            continue
        value = html.escape(value, quote=False).replace('"', "&quot;")
        attributes.append(f' {name}="{value}"')
    return "".join(attributes)


def inline_svg(svg: str, *, key: str, title: str) -> str:
    """Matplotlib's SVG document as an element for an HTML page (see the module notes)."""
    svg = _XML_DECLARATION.sub("", svg)
    svg = _DOCTYPE.sub("", svg)
    svg = _METADATA.sub("", svg)
    svg = _STYLE_ELEMENT.sub("", svg)  # `*{stroke-linejoin: round; stroke-linecap: butt}`
    svg = _EMPTY_DEFS.sub("", svg)
    svg = _STYLE_ATTRIBUTE.sub(_presentation_attributes, svg)
    prefix = f"chart-{key}"
    svg = _ID.sub(lambda m: f'id="{prefix}-{m.group(1)}"', svg)
    svg = _URL_REFERENCE.sub(lambda m: f"url(#{prefix}-{m.group(1)})", svg)
    svg = _HREF_REFERENCE.sub(lambda m: f'{m.group(1)}="#{prefix}-{m.group(2)}"', svg)
    title_id = f"{prefix}-title"
    svg = svg.replace(
        "<svg ",
        f'<svg class="chart chart-{key}" role="img" aria-labelledby="{title_id}" '
        'stroke-linejoin="round" stroke-linecap="butt" ',
        1,
    )
    head_end = svg.index(">", svg.index("<svg ")) + 1
    svg = (
        svg[:head_end] + f'\n <title id="{title_id}">{html.escape(title)}</title>' + svg[head_end:]
    )
    return svg.strip() + "\n"


def _svg(figure: Figure, *, key: str, title: str) -> str:
    buffer = io.StringIO()
    figure.savefig(
        buffer,
        format="svg",
        metadata={"Date": None, "Creator": None},
        facecolor="white",
    )
    return inline_svg(buffer.getvalue(), key=key, title=title)


# --- charts -------------------------------------------------------------------------------
