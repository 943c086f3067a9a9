"""The report's HTML page: one self-contained file (inline style, no script, no web fonts)."""

from __future__ import annotations

import html as _html
import math
from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.disclosure import DisclosureControl, ProtectedTable

__all__ = ["Figure", "Section", "Table", "cell", "html", "rendered"]

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; color: #1a1a1a; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; margin-top: 2.5rem;
     border-bottom: 1px solid #ccc; } h3 { font-size: 1rem; }
figure { margin: 1.2rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.88rem; color: #333; max-width: 60rem; }
table { border-collapse: collapse; font-size: 0.85rem; margin: 0.6rem 0; }
th, td { border: 1px solid #ddd; padding: 0.2rem 0.45rem; text-align: right; }
th { background: #f3f3f3; } td:first-child, th:first-child { text-align: left; }
.note { font-size: 0.9rem; color: #333; } .warning { background: #fff3cd;
  border: 1px solid #e0c46c; padding: 0.6rem; } nav a { margin-right: 0.8rem; }
"""


@attrs.frozen(kw_only=True)
class Figure:
    """A figure of the page: its file (relative), title and caption."""

    src: str | None
    caption: str
    title: str = ""


@attrs.frozen(kw_only=True)
class Table:
    """A table of the page, already rendered as text, and the CSV it is written to."""

    title: str
    frame: pd.DataFrame
    csv: str | None = None


@attrs.frozen(kw_only=True)
class Section:
    """One section of the page."""

    key: str
    title: str
    figures: Sequence[Figure] = ()
    tables: Sequence[Table] = ()
    note: str = ""


def cell(value: object) -> str:
    """A value as the page shows it: 4 significant digits, missing as "–"."""
    if value is None or value is pd.NA:
        return "–"
    if isinstance(value, bool | np.bool_):
        return "yes" if value else "no"
    if isinstance(value, int | np.integer):
        return str(int(value))
    if isinstance(value, float | np.floating):
        if math.isnan(value):
            return "–"
        if float(value).is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


def rendered(table: ProtectedTable, control: DisclosureControl) -> pd.DataFrame:
    """A protected table as text: suppressed cells as the marker, numbers formatted."""
    hidden = table.suppressed.to_numpy(dtype=bool)
    values = table.frame.to_numpy(dtype=object)
    text = np.array([[cell(v) for v in row] for row in values], dtype=object).reshape(values.shape)
    text[hidden] = control.marker
    return pd.DataFrame(text, columns=table.frame.columns)


def _table(table: Table) -> str:
    frame = table.frame
    head = "".join(f"<th>{_html.escape(str(c))}</th>" for c in frame.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{_html.escape(cell(v))}</td>" for v in row) + "</tr>"
        for row in frame.itertuples(index=False)
    )
    link = f' <a href="{_html.escape(table.csv)}">CSV</a>' if table.csv is not None else ""
    if frame.empty:
        return f"<h3>{_html.escape(table.title)}{link}</h3><p>(none)</p>"
    return (
        f"<h3>{_html.escape(table.title)}{link}</h3>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    )


def _figure(figure: Figure) -> str:
    title = _html.escape(figure.title or "figure")
    return (
        f'<figure><img src="{_html.escape(figure.src)}" alt="{title}">'
        f"<figcaption>{_html.escape(figure.caption)}</figcaption></figure>"
    )


def html(evaluation, sections: Sequence[Section], control: DisclosureControl) -> str:
    """The whole page."""
    from activemeasures import __version__

    programme = evaluation.programme
    p = evaluation.parameters
    header = [
        f"{programme.label} ({programme.name}, {programme.design} design); "
        f"{p.get('n_citizens')} citizens; data cut-off {p.get('cutoff')}; horizon "
        f"{p.get('horizon')} weeks.",
        f"Made with activemeasures {__version__} and the plugins listed under Plugins; every "
        "setting is listed under Parameters.",
    ]
    warning = (
        "" if control.enabled else f'<p class="warning">{_html.escape(control.describe())}</p>'
    )
    nav = "".join(f'<a href="#{_html.escape(s.key)}">{_html.escape(s.title)}</a>' for s in sections)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>Evaluation of {_html.escape(programme.label)}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>Evaluation of {_html.escape(programme.label)}</h1>",
        warning,
        "".join(f'<p class="note">{_html.escape(line)}</p>' for line in header),
        f'<p class="note">{_html.escape(control.describe())}</p>',
        f"<nav>{nav}</nav>",
    ]
    for section in sections:
        parts.append(f'<section id="{_html.escape(section.key)}">')
        parts.append(f"<h2>{_html.escape(section.title)}</h2>")
        parts.extend(_figure(f) for f in section.figures if f.src is not None)
        parts.extend(_table(t) for t in section.tables)
        if section.note:
            parts.append(f'<p class="note">{_html.escape(section.note)}</p>')
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"
