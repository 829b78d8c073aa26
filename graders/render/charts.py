"""Charts for the class report, as inline SVG drawn by pygal (the `instructor` extra).

pygal writes SVG with nothing to fetch (`js=[]`: no tooltip script from its site; the inline
configuration for that script is dropped too); each chart's random id and its dated comments are
replaced, so that the same class always gives the same
report, byte for byte. Without pygal every function returns "": the report keeps its tables,
which hold every number a chart shows.
"""

from __future__ import annotations

import math
import re
from typing import Any

try:
    import pygal
    from pygal.style import Style
except ImportError:  # the report is written with its tables alone
    pygal = None

_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ID = re.compile(r"(chart-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
# pygal's configuration for its tooltip script, which the report does not load.
_SCRIPT = re.compile(r"<script\b.*?</script>", re.DOTALL)
_STYLE: dict[str, Any] = {
    "background": "white", "plot_background": "white", "foreground": "#222",
    "foreground_strong": "#111", "foreground_subtle": "#666", "colors": ("#3b6ea5",),
    "font_family": "system-ui, sans-serif", "label_font_size": 13, "major_label_font_size": 13,
    "value_font_size": 12, "title_font_size": 15, "tooltip_font_size": 12,
}


def available() -> bool:
    return pygal is not None


def _config(title: str, height: int) -> dict[str, Any]:
    return {"js": [], "disable_xml_declaration": True, "show_legend": False, "title": title,
            "width": 520, "height": height, "style": Style(**_STYLE), "print_values": True,
            "margin": 8, "spacing": 6}


def _render(chart: Any, chart_id: str) -> str:
    svg: str = chart.render(is_unicode=True)
    svg = _SCRIPT.sub("", _COMMENT.sub("", svg))
    return _ID.sub(chart_id, svg)


def bars(chart_id: str, title: str, labels: list[str], values: list[float],
         percent: bool = False) -> str:
    """Vertical bars, one per label (e.g. how many students got each score)."""
    if pygal is None:
        return ""
    top = max([1, *values])
    step = max(1, math.ceil(top / 5))  # whole numbers on the axis: these are counts
    chart = pygal.Bar(**_config(title, 240), range=(0, top),
                      y_labels=list(range(0, int(top) + step, step)))
    chart.x_labels = labels
    chart.add("", values, formatter=(lambda v: f"{v:.0f}%") if percent else (lambda v: f"{v:g}"))
    return _render(chart, chart_id)


def horizontal_bars(chart_id: str, title: str, labels: list[str], values: list[float]) -> str:
    """Horizontal bars of percentages, one per label (e.g. each check's pass rate); labels short
    (a number the table beside it explains), since pygal gives long ones the plot's room."""
    if pygal is None:
        return ""
    chart = pygal.HorizontalBar(**_config(title, 70 + 30 * len(labels)), range=(0, 100),
                                y_labels=[0, 25, 50, 75, 100])
    chart.x_labels = labels[::-1]  # pygal draws the first at the bottom: read from the top
    chart.add("", values[::-1], formatter=lambda v: f"{v:.0f}%")
    return _render(chart, chart_id)
