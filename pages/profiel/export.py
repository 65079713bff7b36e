"""The area profile as PDF and Excel.

Pure functions from a :class:`pages.profiel.briefing.Profile` to bytes, and
:func:`profile_download` assembling them from the cached loaders, so the
callback only wraps it in ``dcc.send_bytes`` and tests can read the bytes back.
The PDF carries the attribution CBS's CC BY 4.0 licence asks for in its footer;
the Excel file in its sheet "Bronnen" (:mod:`dashboard.downloads`).
"""

from __future__ import annotations

import atexit
import concurrent.futures as cf
import copy
import datetime as dt
import io
import logging
import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dashboard import series
from dashboard.downloads import ATTRIBUTION, LICENCE_NOTE, XLSX_TYPE, Download, excel_bytes, sources
from dashboard.formatting import fmt_pct, fmt_short, fmt_value, slug, unit_label
from dashboard.theme import ACCENT, INK, MUTED, rgb
from dorpenmonitor.lazy import lazy_module
from indicators import REGISTRY
from pages.profiel import areamap, briefing
from pages.profiel.briefing import (
    PEER_COLUMNS,
    PEER_HEADS,
    Profile,
    peers_explanation,
    peers_title,
    profile_frame,
    series_source,
    status_text,
)

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")
LOG = logging.getLogger(__name__)


# -- PDF of an area profile ---------------------------------------------------------

_INK = rgb(INK)
_MUTED = rgb(MUTED)
_ACCENT = rgb(ACCENT)
_LINE = (210, 214, 220)
_FILL = (241, 245, 250)


def _pdf_class():
    from fpdf import FPDF

    class ProfilePDF(FPDF):
        """A4 with a running footer carrying the attribution and page numbers."""

        footer_text = ATTRIBUTION

        def footer(self) -> None:
            self.set_y(-12)
            self.set_font(self.body_font, "", 7.5)
            self.set_text_color(*_MUTED)
            self.cell(0, 5, self.footer_text, align="L")
            self.set_x(self.l_margin)
            self.cell(0, 5, f"pagina {self.page_no()} van {{nb}}", align="R")

    return ProfilePDF


#: Parsed fonts by (file, style), kept for the life of the process: fpdf's add_font reads every glyph's width and
#: code point from the TTF again for each document (about 40% of a profile PDF's time).
_FONTS: dict[tuple[str, str], Any] = {}
_FONTS_LOCK = threading.Lock()


def _add_font(pdf, family: str, style: str, path: Path) -> None:
    """``pdf.add_font`` with the parsed metrics shared across documents.

    What a document changes is its own: the subset of glyphs used, the font's number in the document and the
    fontTools object that fpdf subsets in place when writing (re-opened lazily, which only reads the table
    directory). The metrics (widths, cmap, glyph ids, descriptor) are copied from the first parse.
    """
    from fontTools import ttLib
    from fpdf.fonts import SubsetMap

    key = (str(path), style)
    with _FONTS_LOCK:
        template = _FONTS.get(key)
        if template is None:
            probe = _pdf_class()()
            probe.add_font(family, style, str(path))
            template = _FONTS[key] = probe.fonts[f"{family.lower()}{style}"]
    font = copy.deepcopy(template)  # TTFFont.__deepcopy__: shares the immutable parts, copies widths and subset
    font.ttfont = ttLib.TTFont(str(path), recalcTimestamp=False, lazy=True)
    font.desc = copy.copy(template.desc)
    font.i = len(pdf.fonts) + 1
    font.subset = SubsetMap(font)
    font.missing_glyphs = []
    font.biggest_size_pt = 0
    pdf.fonts[f"{family.lower()}{style}"] = font


def _setup_fonts(pdf) -> str:
    """Register DejaVu Sans (full Unicode: ë, é, €, ², −) when Debian's fonts-dejavu-core is there."""
    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        oblique = DEJAVU_DIR / "DejaVuSans-Oblique.ttf"
        for style, path in (("", regular), ("B", bold), ("I", oblique if oblique.exists() else regular)):
            _add_font(pdf, "DejaVu", style, path)
        return "DejaVu"
    return "helvetica"


def _text(pdf, s: str) -> str:
    """Text the chosen font can draw: core fonts only know Latin-1, so replace the rest."""
    if pdf.body_font != "helvetica":
        return s
    for a, b in (("€", "EUR"), ("•", "-"), ("−", "-"), ("–", "-"), ("—", "-"), ("’", "'"), ("…", "...")):
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


#: Debian's chromium (apt, see .ci/run): kaleido renders the charts and the map in it; nothing is downloaded at
#: run time.
CHROMIUM = Path("/usr/bin/chromium")
_RENDERER_LOCK = threading.Lock()
_renderer_started = False
#: Why the last rendering failed (Dutch, for the PDF), or None when it worked.
_problem: str | None = None


def _start_renderer() -> None:
    """Start kaleido's Chromium once per process and keep it: a cold start costs seconds, a warm image ~0.4 s.

    Raises ImportError when kaleido is not installed. ``BROWSER_PATH`` (kaleido's own setting) wins; otherwise
    Debian's chromium is used when it is there.
    """
    global _renderer_started
    with _RENDERER_LOCK:
        if _renderer_started:
            return
        import kaleido

        if not os.environ.get("BROWSER_PATH") and CHROMIUM.exists():
            os.environ["BROWSER_PATH"] = str(CHROMIUM)
        kaleido.start_sync_server(silence_warnings=True)
        atexit.register(kaleido.stop_sync_server, silence_warnings=True)
        _renderer_started = True


def renderer_problem() -> str | None:
    """Why the last chart or map could not be drawn (Dutch), or None when the renderer works."""
    return _problem


def _render_png(fig, timeout: float, scale: float = 2) -> bytes | None:
    """``fig`` as PNG via kaleido, or None when rendering fails or takes longer than ``timeout`` seconds.

    A failure is never silent: it is logged and :func:`renderer_problem` says why, for the PDF to print.
    """
    global _problem
    try:
        _start_renderer()
    except ImportError:
        _problem = "de grafiekrenderer (kaleido) is niet geïnstalleerd op de server"
        LOG.warning("PDF image not rendered: kaleido is not installed")
        return None
    except Exception as exc:  # noqa: BLE001 - a renderer that cannot start: still a PDF, with the reason
        _problem = "de grafiekrenderer (Chromium) kon niet starten op de server"
        LOG.warning("PDF image not rendered: renderer did not start: %s", exc)
        return None
    # Not a `with` block: leaving it would wait for a hung renderer and defeat the timeout.
    ex = cf.ThreadPoolExecutor(max_workers=1)
    try:
        png = ex.submit(fig.to_image, format="png", scale=scale).result(timeout=timeout)
        _problem = None
        return png
    except cf.TimeoutError:
        _problem = f"de grafiek was niet binnen {timeout:.0f} seconden getekend"
        LOG.warning("PDF image not rendered: renderer took longer than %.0f s", timeout)
        return None
    except Exception as exc:  # noqa: BLE001 - any rendering problem means: no image, still a PDF (which says so)
        _problem = "de grafiek kon niet worden getekend (fout in de grafiekrenderer)"
        LOG.warning("PDF image not rendered: %s", exc)
        return None
    finally:
        ex.shutdown(wait=False, cancel_futures=True)


#: Age groups of the age-structure chart: (label, indicator); 25-64 is what the other three leave.
AGE_GROUPS: tuple[tuple[str, str | None], ...] = (("0-14 jaar", "aandeel_0_14"), ("15-24 jaar", "aandeel_15_24"),
                                                  ("25-64 jaar", None), ("65 jaar en ouder", "aandeel_65plus"))
#: Housing stock by tenure and type: (label, indicator).
HOUSING: tuple[tuple[str, str | None], ...] = (
    ("Koop", "aandeel_koopwoningen"), ("Corporatie", "aandeel_corporatiewoningen"),
    ("Particuliere huur", "aandeel_particuliere_huur"), ("Eengezins", "aandeel_eengezinswoningen"),
    ("Meergezins", "aandeel_meergezinswoningen"))


def shares(profile: Profile, groups: Sequence[tuple[str, str | None]], ref: str) -> list[float | None]:
    """Values of ``groups`` for the area ('waarde') or a benchmark ('gemeente'/'drenthe'); None where unknown.
    A group without indicator is the rest to 100%."""
    def value(ind: str) -> float | None:
        f = profile.figure(ind)
        if f is None or (ref == "waarde" and not f.has_value):
            return None
        return getattr(f, ref)

    out: list[float | None] = []
    for _, ind in groups:
        if ind is None:
            known = [value(i) for _, i in groups if i is not None]
            out.append(None if any(v is None for v in known) else 100 - sum(known))  # type: ignore[arg-type]
        else:
            out.append(value(ind))
    return out


def people_chart(profile: Profile):
    """'People and homes': inwoners and huishoudens over time, age structure and housing stock vs gemeente and
    Drenthe, as one 2×2 plotly figure (pure)."""
    import plotly.graph_objects as go
    from plotly.subplots import make_subplots

    by = {s.indicator: s for s in profile.series}
    titles = []
    for ind in briefing.PEOPLE_SERIES:
        s = by.get(ind)
        titles.append(f"{s.titel} ({s.wie})" if s else f"{ind.capitalize()}: geen reeks")
    titles += ["Leeftijdsopbouw (% van de inwoners)", "Woningen naar eigendom en soort (%)"]
    fig = make_subplots(rows=2, cols=2, subplot_titles=titles, horizontal_spacing=0.12, vertical_spacing=0.16)
    for col, ind in enumerate(briefing.PEOPLE_SERIES, start=1):
        s = by.get(ind)
        if s is None:
            continue
        xs, ys = series.line_points(s.points)  # no line across a missing year or a series break
        fig.add_trace(go.Scatter(x=xs, y=ys, mode="lines+markers", connectgaps=False,
                                 line={"color": ACCENT if s.eigen else "#6c7a89", "width": 2.5},
                                 marker={"size": 5}, showlegend=False), row=1, col=col)
        for jaar in series.break_years(s.points):
            fig.add_vline(x=jaar - 0.5, line={"color": "#8c8c8c", "width": 1, "dash": "dot"}, row=1, col=col)
        fig.update_yaxes(rangemode="tozero", separatethousands=True, exponentformat="none", row=1, col=col)
    refs = [(profile.naam, "waarde", ACCENT)]
    if profile.niveau != "gemeente" and profile.gemeente_naam:
        refs.append((f"Gemeente {profile.gemeente_naam}", "gemeente", "#9db4cc"))
    refs.append(("Drenthe", "drenthe", "#c5cad1"))
    for name, ref, color in refs:
        for col, groups in ((1, AGE_GROUPS), (2, HOUSING)):
            vals = shares(profile, groups, ref)
            fig.add_trace(go.Bar(x=[g for g, _ in groups], y=vals, name=name, marker_color=color,
                                 legendgroup=name, showlegend=col == 1, text=[fmt_pct(v) for v in vals],
                                 textposition="outside", cliponaxis=False, textfont={"size": 10}),
                          row=2, col=col)
    fig.update_yaxes(ticksuffix="%", rangemode="tozero", row=2)
    fig.update_yaxes(gridcolor="#e6e6e6")
    fig.update_layout(
        barmode="group", width=1000, height=720, margin={"l": 10, "r": 10, "t": 40, "b": 10},
        font={"family": "DejaVu Sans, Arial, sans-serif", "size": 12, "color": "#212529"},
        legend={"orientation": "h", "y": -0.08, "yanchor": "top", "x": 0},
        plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", separators=",.", bargap=0.2,
    )
    fig.update_annotations(font={"size": 13})
    return fig


def profile_chart_png(profile: Profile, timeout: float = 60.0) -> bytes | None:
    """The 'people and homes' chart (:func:`people_chart`) as PNG via kaleido; None if unavailable.

    Rendering needs a local Chromium; when it is missing or slow the PDF is
    simply made without the chart rather than failing.
    """
    if not profile.series and profile.figure("aandeel_65plus") is None:
        return None
    try:
        return _render_png(people_chart(profile), timeout)
    except Exception:  # noqa: BLE001 - a figure that cannot be built: no chart, still a PDF
        return None


def profile_map_png(profile: Profile, timeout: float = 60.0) -> tuple[bytes | None, bool]:
    """(PNG of the area map, whether its boundaries are approximate); (None, False) when it cannot be drawn."""
    try:
        m = areamap.area_map(profile.code)
        if m is None or not m.shapes:
            return None, False
        return _render_png(areamap.area_map_figure(m), timeout), m.approximate
    except Exception:  # noqa: BLE001 - no map, still a PDF
        return None, False


#: Key figures in the box beside the map.
KEY_FIGURES: tuple[str, ...] = ("inwoners", "huishoudens", "woningvoorraad", "aandeel_65plus", "aandeel_0_14",
                                "woz_gemiddeld", "aandeel_koopwoningen", "afstand_huisarts")


def profile_pdf(profile: Profile, chart_png: bytes | None = None, map_png: bytes | None = None,
                map_approximate: bool = False, chart_problem: str | None = None) -> bytes:
    """The briefing as an A4 PDF: map and key figures, highlights, people and homes over time, peers, all figures
    per theme, notes and a plain-Dutch glossary. Nothing is cut off: long text wraps."""

    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.body_font = _setup_fonts(pdf)
    pdf.set_margins(14, 13, 14)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(f"Gebiedsprofiel {profile.naam}")
    pdf.set_author("Dorpenmonitor Drenthe")
    pdf.set_creator("Dorpenmonitor Drenthe (fpdf2)")
    pdf.footer_text = _text(pdf, f"{ATTRIBUTION} (CC BY 4.0) · Dorpenmonitor Drenthe · gegevensstand "
                                 f"{profile.gegevensstand or 'onbekend'}")
    f_ = pdf.body_font
    T = lambda s: _text(pdf, s)  # noqa: E731 - short local alias keeps the layout code readable
    width = pdf.w - pdf.l_margin - pdf.r_margin
    bottom = pdf.h - 16
    is_gm = profile.niveau == "gemeente"
    pdf.add_page()

    # Header band: the name shrinks to fit rather than being cut.
    pdf.set_fill_color(*_ACCENT)
    pdf.rect(0, 0, pdf.w, 30, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(14, 6)
    pdf.set_font(f_, "", 8.5)
    pdf.cell(0, 4, T("DORPENMONITOR DRENTHE · GEBIEDSPROFIEL"))
    size = 20.0
    pdf.set_font(f_, "B", size)
    while pdf.get_string_width(T(profile.naam)) > width and size > 11:
        size -= 1
        pdf.set_font(f_, "B", size)
    pdf.set_xy(14, 11)
    pdf.cell(0, 9, T(profile.naam))
    pdf.set_xy(14, 21)
    pdf.set_font(f_, "", 9.5)
    pdf.multi_cell(width, 4.5, T(f"{profile.subtitle} · code {profile.code} · gemaakt op {dt.date.today():%d-%m-%Y}"),
                   new_x="LMARGIN", new_y="NEXT", align="L")
    pdf.set_text_color(*_INK)
    pdf.set_y(34)

    def heading(text: str, need: float = 30) -> None:
        if pdf.get_y() + need > bottom:
            pdf.add_page()
        pdf.ln(1.5)
        pdf.set_font(f_, "B", 12)
        pdf.set_text_color(*_ACCENT)
        pdf.multi_cell(width, 6.5, T(text), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_draw_color(*_ACCENT)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_text_color(*_INK)

    def bullets(items: Sequence[str], size: float = 9.2, line: float = 4.6) -> None:
        pdf.set_font(f_, "", size)
        for item in items:
            pdf.set_x(pdf.l_margin)
            pdf.cell(4, line, T("•"))
            pdf.multi_cell(width - 4, line, T(item), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(0.4)

    def fit_words(text: str, w: float, size: float, style: str = "B") -> float:
        """The largest font size (down to 5.5 pt) at which no single word of ``text`` is wider than ``w``:
        headers then wrap between words, never inside one ('Nieuw-Amste / rdam')."""
        while size > 5.0:
            pdf.set_font(f_, style, size)
            if all(pdf.get_string_width(T(word)) <= w - 2 * pdf.c_margin - 0.3 for word in text.split()):
                break
            size -= 0.3
        pdf.set_font(f_, style, size)
        return size

    def lines_of(text: str, w: float) -> int:
        """How many lines ``text`` takes at width ``w`` in the current font (wrapping, never cutting)."""
        return max(1, len(pdf.multi_cell(w, 4, T(text), dry_run=True, output="LINES")))

    # -- page 1: the map beside the key figures ----------------------------------------
    heading("Het gebied", need=80)
    top = pdf.get_y()
    map_w = 104.0
    map_bottom = top
    if map_png:
        pdf.image(io.BytesIO(map_png), x=pdf.l_margin, y=top, w=map_w)
        pdf.set_xy(pdf.l_margin, top + map_w * 620 / 900 + 0.5)
        pdf.set_font(f_, "", 7)
        pdf.set_text_color(*_MUTED)
        cap = (f"{profile.naam} (blauw) binnen de gemeente, met de namen van dorpen in de buurt."
               if not is_gm else f"{profile.naam} (blauw) tussen de gemeenten van de monitor.")
        if map_approximate:
            cap += " Let op: de buurtgrenzen 2024 zijn benaderd en kunnen 100 tot 400 meter afwijken."
        pdf.multi_cell(map_w, 3.3, T(cap), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*_INK)
        map_bottom = pdf.get_y()
    box_x = pdf.l_margin + (map_w + 5 if map_png else 0)
    box_w = pdf.l_margin + width - box_x
    y = top
    for ind in KEY_FIGURES:
        k = profile.figure(ind)
        if k is None:
            continue
        pdf.set_xy(box_x, y)
        pdf.set_font(f_, "", 7.6)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(box_w, 3.6, T(f"{k.titel} ({k.jaar_kort})"), new_x="LEFT", new_y="NEXT", align="L")
        pdf.set_x(box_x)
        pdf.set_font(f_, "B", 12.5)
        pdf.set_text_color(*_INK)
        pdf.cell(box_w, 6, T(fmt_value(k.waarde, k) if k.has_value else status_text(k) or "–"),
                 new_x="LEFT", new_y="NEXT", align="L")
        if k.aggregatie != "sum":
            bench = ([("Drenthe", k.drenthe)] if is_gm else
                     [(f"gemeente {profile.gemeente_naam}", k.gemeente), ("Drenthe", k.drenthe)])
            pdf.set_x(box_x)
            pdf.set_font(f_, "", 7.6)
            pdf.set_text_color(*_MUTED)
            pdf.multi_cell(box_w, 3.5, T(" · ".join(f"{n}: {fmt_value(v, k)}" for n, v in bench)),
                           new_x="LEFT", new_y="NEXT", align="L")
        y = pdf.get_y() + 1.6
    pdf.set_text_color(*_INK)
    pdf.set_y(max(y, map_bottom) + 1)

    if profile.highlights:
        heading("Opvallend", need=25)
        bullets(profile.highlights, 9)

    # -- people and homes over time --------------------------------------------------------
    if chart_png:
        img_h = width * 720 / 1000
        heading("Mensen en woningen door de tijd", need=img_h + 12)
        pdf.image(io.BytesIO(chart_png), x=pdf.l_margin, w=width)
        said = [series_source(s, profile.naam) for s in profile.series] + briefing.missing_series(profile)
        if said:
            pdf.set_font(f_, "", 7.4)
            pdf.set_text_color(*_MUTED)
            pdf.multi_cell(width, 3.6, T("; ".join(said) + "."), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.set_text_color(*_INK)
    elif chart_problem:
        # Never a silently missing chart: the reader learns it is missing and why.
        heading("Mensen en woningen door de tijd", need=20)
        pdf.set_font(f_, "I", 9)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 4.5, T(f"Grafiek ontbreekt: {chart_problem}."), new_x="LMARGIN", new_y="NEXT")
        pdf.set_text_color(*_INK)

    # -- peers --------------------------------------------------------------------------------
    if len(profile.peers) > 1:
        metas = [REGISTRY[i] for i in PEER_COLUMNS]
        heading(peers_title(profile), need=50)
        pdf.set_font(f_, "", 7.6)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 3.6, T(peers_explanation()), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*_INK)
        pdf.ln(1)
        name_w = 44.0
        cw = (width - name_w) / len(metas)
        pdf.set_font(f_, "B", 7.4)
        n_head = max(lines_of(h, cw - 1) for h in PEER_HEADS)
        hy = pdf.get_y()
        pdf.set_fill_color(*_FILL)
        pdf.rect(pdf.l_margin, hy, width, 3.5 * n_head + 1, style="F")
        pdf.set_text_color(*_MUTED)
        pdf.set_xy(pdf.l_margin, hy + 0.5)
        pdf.cell(name_w, 3.5, T("Gebied"))
        for j, h in enumerate(PEER_HEADS):
            pdf.set_xy(pdf.l_margin + name_w + j * cw, hy + 0.5)
            fit_words(h, cw - 1, 7.4)
            pdf.multi_cell(cw - 1, 3.5, T(h), align="R")
        pdf.set_text_color(*_INK)
        pdf.set_y(hy + 3.5 * n_head + 1.5)
        for i, peer in enumerate(profile.peers):
            label = peer.naam + (f" ({peer.gemeente})" if peer.gemeente and not is_gm else "")
            pdf.set_font(f_, "B" if i == 0 else "", 7.8)
            n = lines_of(label, name_w - 1)
            ry = pdf.get_y()
            pdf.multi_cell(name_w - 1, 3.8, T(label), new_x="LMARGIN", new_y="NEXT", align="L")
            for j, (m, v) in enumerate(zip(metas, peer.waarden, strict=True)):
                pdf.set_xy(pdf.l_margin + name_w + j * cw, ry)
                pdf.cell(cw - 1, 3.8, T(fmt_value(v, m, unit=m.unit == "euro")), align="R")
            pdf.set_y(ry + 3.8 * n + 0.5)
            pdf.set_draw_color(*_LINE)
            pdf.set_line_width(0.15)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
            pdf.ln(0.6)

    # -- all figures per theme -------------------------------------------------------------------
    bench_names = ("Drenthe", "13 gemeenten") if is_gm else (f"Gemeente {profile.gemeente_naam}", "Drenthe")
    cols = [("Indicator", 58), (profile.naam, 24), (bench_names[0], 22), (bench_names[1], 20), ("Eenheid", 26),
            ("Jaar", 11), ("Trend", 17)]
    scale = width / sum(w for _, w in cols)
    cols = [(n, w * scale) for n, w in cols]
    aligns = ["L", "R", "R", "R", "L", "R", "C"]
    row_line = 3.6

    def table_head() -> None:
        sizes = [fit_words(name, w - 1, 7.2) for name, w in cols]
        n = 1
        for (name, w), sz in zip(cols, sizes, strict=True):
            pdf.set_font(f_, "B", sz)
            n = max(n, lines_of(name, w - 1))
        hy = pdf.get_y()
        pdf.set_fill_color(*_FILL)
        pdf.rect(pdf.l_margin, hy, width, 3.3 * n + 1, style="F")
        pdf.set_text_color(*_MUTED)
        x = pdf.l_margin
        for (name, w), align, sz in zip(cols, aligns, sizes, strict=True):
            pdf.set_xy(x, hy + 0.5)
            pdf.set_font(f_, "B", sz)
            pdf.multi_cell(w - 1, 3.3, T(name), align=align)
            x += w
        pdf.set_y(hy + 3.3 * n + 1.2)
        pdf.set_text_color(*_INK)

    heading("Alle cijfers", need=40)
    if profile.reference_note:  # why Drenthe shows '–', once, above the table
        pdf.set_font(f_, "I", 7)
        pdf.set_text_color(*_MUTED)
        pdf.multi_cell(width, 3.3, T(profile.reference_note), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*_INK)
        pdf.ln(1)
    for theme, figs in profile.by_theme():
        if pdf.get_y() + 20 > bottom:
            pdf.add_page()
        pdf.set_font(f_, "B", 9)
        pdf.set_text_color(*_ACCENT)
        pdf.cell(0, 5, T(theme.capitalize()), new_x="LMARGIN", new_y="NEXT", align="L")
        pdf.set_text_color(*_INK)
        table_head()
        for k in figs:
            extra = status_text(k) if not k.has_value else (k.note if k.note else "")
            pdf.set_font(f_, "", 7.4)
            n_rows = max(lines_of(k.titel, cols[0][1] - 1), lines_of(unit_label(k), cols[4][1] - 1))
            pdf.set_font(f_, "I", 6.6)
            n_extra = lines_of(extra, width - 3) if extra else 0
            row_h = row_line * n_rows + 3.1 * n_extra + 0.8
            if pdf.get_y() + row_h > bottom:
                pdf.add_page()
                table_head()
            y = pdf.get_y()
            bench = [k.drenthe, k.monitor] if is_gm else [k.gemeente, k.drenthe]
            x = pdf.l_margin
            cells = [k.titel, fmt_short(k.waarde, k) if k.has_value else "–", *(fmt_short(b, k) for b in bench),
                     unit_label(k), k.jaar_kort]
            for j, text in enumerate(cells):
                w = cols[j][1]
                pdf.set_xy(x, y + 0.3)
                pdf.set_font(f_, "B" if j == 1 else "", 7.4)
                pdf.set_text_color(*(_MUTED if j == 4 else _INK))
                pdf.multi_cell(w - 1, row_line, T(text), align=aligns[j])
                x += w
            pdf.set_text_color(*_INK)
            # Sparkline drawn as vector lines: sharp in print, no image needed.
            sw = cols[-1][1]
            pts = [(xx, v) for xx, v, _ in k.trend]
            if len(pts) >= 2:
                x0, x1 = pts[0][0], pts[-1][0]
                vs = [v for _, v in pts]
                lo, hi = min(vs), max(vs)
                px0 = pdf.l_margin + width - sw + 2
                pw, ph = sw - 4, 2.8

                def xy(xv, v, px0=px0, pw=pw, ph=ph, x0=x0, x1=x1, lo=lo, hi=hi, y=y):
                    return (px0 + (xv - x0) / ((x1 - x0) or 1) * pw,
                            y + 0.7 + ph - ((v - lo) / ((hi - lo) or 1)) * ph if hi > lo else y + 2.2)

                pdf.set_draw_color(*_ACCENT)
                pdf.set_fill_color(*_ACCENT)
                pdf.set_line_width(0.3)
                pdf.circle(*xy(*pts[0]), 0.25, style="F")
                for a, b in zip(k.trend, k.trend[1:], strict=False):
                    if series.connects(a, b):  # no line across a missing year or a series break
                        pdf.line(*xy(a[0], a[1]), *xy(b[0], b[1]))
                    else:
                        pdf.circle(*xy(b[0], b[1]), 0.25, style="F")  # a stretch after a gap or break starts here
                pdf.circle(*xy(*pts[-1]), 0.5, style="F")
            pdf.set_y(y + row_line * n_rows + 0.5)
            if extra:
                pdf.set_x(pdf.l_margin + 2)
                pdf.set_font(f_, "I", 6.6)
                pdf.set_text_color(*_MUTED)
                pdf.multi_cell(width - 3, 3.1, T(extra), new_x="LMARGIN", new_y="NEXT", align="L")
                pdf.set_text_color(*_INK)
            pdf.set_draw_color(*_LINE)
            pdf.set_line_width(0.12)
            pdf.line(pdf.l_margin, pdf.get_y() + 0.2, pdf.l_margin + width, pdf.get_y() + 0.2)
            pdf.ln(0.4)

    heading("Over deze cijfers", need=30)
    notes = list(profile.notes)
    if profile.leden:
        notes.append("Buurten in dit dorp: " + ", ".join(f"{n} ({c})" for c, n in profile.leden) + ".")
    notes.append("Gemeente en Drenthe zijn berekend met dezelfde regels als het gebied zelf (aantallen opgeteld, "
                 "percentages uit de opgetelde aantallen). Drenthe = de 12 Drentse gemeenten, zonder Hardenberg; "
                 "monitor = alle 13 gemeenten. WOZ-waarden op duizenden euro's, zoals CBS ze publiceert.")
    srcs = briefing.table_list(profile)  # every table behind a value, sparkline or chart point, with its years
    if srcs:
        notes.append("CBS-tabellen: " + ", ".join(srcs) + ".")
    notes.append(LICENCE_NOTE)
    bullets(notes, 7.6, 3.6)

    # -- glossary: one plain sentence per indicator, in two columns --------------------------
    entries = [(k.titel, k.uitleg) for k in profile.figures if k.uitleg]
    if entries:
        heading("Wat betekenen de cijfers?", need=40)
        col_w = (width - 6) / 2
        pdf.set_font(f_, "", 6.8)
        heights = [3.0 * lines_of(f"{t}: {u}", col_w - 1) + 0.6 for t, u in entries]
        # Split where the two columns come out equally long.
        total, run, half = sum(heights), 0.0, len(entries)
        for i, h in enumerate(heights):
            if run + h / 2 > total / 2:
                half = i
                break
            run += h
        start_y, start_page = pdf.get_y(), pdf.page
        pdf.set_auto_page_break(False)
        ends = []
        for c, chunk in enumerate((entries[:half], entries[half:])):
            pdf.page = start_page
            pdf.set_y(start_y)
            x = pdf.l_margin + c * (col_w + 6)
            for titel, uitleg in chunk:
                h = 3.0 * lines_of(f"{titel}: {uitleg}", col_w - 1) + 0.6
                if pdf.get_y() + h > bottom:
                    if pdf.page == len(pdf.pages):
                        pdf.add_page()
                    else:
                        pdf.page += 1
                    pdf.set_y(pdf.t_margin)
                pdf.set_xy(x, pdf.get_y())
                pdf.set_font(f_, "", 6.8)
                pdf.multi_cell(col_w, 3.0, f"**{T(titel)}**: {T(uitleg)}", markdown=True, new_x="LEFT",
                               new_y="NEXT", align="L")
                pdf.ln(0.6)
            ends.append((pdf.page, pdf.get_y()))
        pdf.page, y_end = max(ends)
        pdf.set_y(y_end)
        pdf.set_auto_page_break(True, margin=16)

    return bytes(pdf.output())


def profile_excel(profile: Profile, sources: pd.DataFrame | None = None) -> bytes:
    """The profile as .xlsx: sheet "Profiel" (all figures), "Opvallend" (highlights and notes), "Bronnen"."""
    text = pd.DataFrame({"Soort": ["Opvallend"] * len(profile.highlights) + ["Kwaliteit"] * len(profile.notes),
                         "Tekst": [*profile.highlights, *profile.notes]})
    return excel_bytes(
        {"Profiel": profile_frame(profile), "Opvallend": text}, sources,
        title=f"Gebiedsprofiel {profile.naam} ({profile.code})",
    )


def profile_download(code: str, pdf: bool) -> Download | None:
    """The area profile as PDF (with its chart when it can be rendered) or Excel; None for an unknown area."""
    p = briefing.profile(code)
    if p is None:
        return None
    stem = f"gebiedsprofiel-{slug(p.naam)}-{slug(p.code)}"
    if pdf:
        map_png, approximate = profile_map_png(p)
        chart_png = profile_chart_png(p)
        problem = renderer_problem() if not (chart_png and map_png) else None
        return Download(profile_pdf(p, chart_png, map_png, approximate, chart_problem=problem), f"{stem}.pdf",
                        "application/pdf")
    return Download(profile_excel(p, sources()), f"{stem}.xlsx", XLSX_TYPE)
