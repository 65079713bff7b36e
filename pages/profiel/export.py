"""The area profile as PDF and Excel.

Pure functions from a :class:`pages.profiel.briefing.Profile` to bytes, and
:func:`profile_download` assembling them from the cached loaders, so the
callback only wraps it in ``dcc.send_bytes`` and tests can read the bytes back.
The PDF carries the attribution CBS's CC BY 4.0 licence asks for in its footer;
the Excel file in its sheet "Bronnen" (:mod:`dashboard.downloads`).
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from dashboard.downloads import ATTRIBUTION, LICENCE_NOTE, XLSX_TYPE, Download, excel_bytes, sources
from dashboard.formatting import fmt_pct, fmt_value, slug
from dashboard.theme import ACCENT, INK, MUTED, rgb
from pages.profiel import briefing
from pages.profiel.briefing import Profile, profile_frame, status_text

DEJAVU_DIR = Path("/usr/share/fonts/truetype/dejavu")


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


def _setup_fonts(pdf) -> str:
    """Register DejaVu Sans (full Unicode: ë, é, €, ², −) when Debian's fonts-dejavu-core is there."""
    regular, bold = DEJAVU_DIR / "DejaVuSans.ttf", DEJAVU_DIR / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        oblique = DEJAVU_DIR / "DejaVuSans-Oblique.ttf"
        pdf.add_font("DejaVu", "I", str(oblique if oblique.exists() else regular))
        return "DejaVu"
    return "helvetica"


def _text(pdf, s: str) -> str:
    """Text the chosen font can draw: core fonts only know Latin-1, so replace the rest."""
    if pdf.body_font != "helvetica":
        return s
    for a, b in (("€", "EUR"), ("•", "-"), ("−", "-"), ("–", "-"), ("—", "-"), ("’", "'"), ("…", "...")):
        s = s.replace(a, b)
    return s.encode("latin-1", "replace").decode("latin-1")


def profile_chart_png(profile: Profile, timeout: float = 25.0) -> bytes | None:
    """Bar chart (area, gemeente, Drenthe) of the profile's percentages, as PNG via kaleido; None if unavailable.

    Rendering needs a local Chromium; when it is missing or slow the PDF is
    simply made without the chart rather than failing.
    """
    figs = [f for f in profile.figures if f.eenheid.strip() == "%" and f.has_value and f.status == "ok"][:8]
    if len(figs) < 2:
        return None
    try:
        import concurrent.futures as cf

        import plotly.graph_objects as go

        labels = [f.titel.replace("Aandeel ", "").capitalize() for f in figs][::-1]
        fig = go.Figure()
        series = [(profile.naam, [f.waarde for f in figs], ACCENT)]
        if profile.niveau != "gemeente" and profile.gemeente_naam:
            series.append((f"Gemeente {profile.gemeente_naam}", [f.gemeente for f in figs], "#9db4cc"))
        series.append(("Drenthe", [f.drenthe for f in figs], "#d5d9de"))
        for name, vals, color in series[::-1]:
            fig.add_trace(go.Bar(y=labels, x=vals[::-1], name=name, orientation="h", marker_color=color,
                                 text=[fmt_pct(v) for v in vals[::-1]], textposition="outside", cliponaxis=False))
        fig.update_layout(
            barmode="group", width=900, height=80 + 62 * len(figs), margin={"l": 10, "r": 40, "t": 30, "b": 10},
            font={"family": "DejaVu Sans, Arial, sans-serif", "size": 13, "color": "#212529"},
            legend={"orientation": "h", "y": 1.02, "yanchor": "bottom", "x": 0, "traceorder": "reversed"},
            xaxis={"ticksuffix": "%", "gridcolor": "#e6e6e6", "rangemode": "tozero"}, yaxis={"automargin": True},
            plot_bgcolor="#ffffff", paper_bgcolor="#ffffff", separators=",.", bargap=0.25,
        )
        # Not a `with` block: leaving it would wait for a hung renderer and defeat the timeout.
        ex = cf.ThreadPoolExecutor(max_workers=1)
        try:
            return ex.submit(fig.to_image, format="png", scale=2).result(timeout=timeout)
        finally:
            ex.shutdown(wait=False, cancel_futures=True)
    except Exception:  # noqa: BLE001 - any rendering problem means: no chart, still a PDF
        return None


def profile_pdf(profile: Profile, chart_png: bytes | None = None) -> bytes:
    """The profile as an A4 PDF: header, highlights, optional chart, figures per theme, notes, sources."""

    pdf = _pdf_class()(orientation="P", unit="mm", format="A4")
    pdf.body_font = _setup_fonts(pdf)
    pdf.set_margins(15, 14, 15)
    pdf.set_auto_page_break(True, margin=18)
    pdf.set_title(f"Gebiedsprofiel {profile.naam}")
    pdf.set_author("Dorpenmonitor Drenthe")
    pdf.set_creator("Dorpenmonitor Drenthe (fpdf2)")
    pdf.footer_text = _text(pdf, f"{ATTRIBUTION} (CC BY 4.0) · Dorpenmonitor Drenthe · gegevensstand "
                                 f"{profile.gegevensstand or 'onbekend'}")
    f_ = pdf.body_font
    T = lambda s: _text(pdf, s)  # noqa: E731 - short local alias keeps the layout code readable
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.add_page()

    # Header band.
    pdf.set_fill_color(*_ACCENT)
    pdf.rect(0, 0, pdf.w, 34, style="F")
    pdf.set_text_color(255, 255, 255)
    pdf.set_xy(15, 8)
    pdf.set_font(f_, "", 9)
    pdf.cell(0, 4, T("DORPENMONITOR DRENTHE · GEBIEDSPROFIEL"))
    pdf.set_xy(15, 13)
    pdf.set_font(f_, "B", 20)
    pdf.cell(0, 10, T(profile.naam))
    pdf.set_xy(15, 24)
    pdf.set_font(f_, "", 10)
    pdf.cell(0, 5, T(f"{profile.subtitle} · code {profile.code} · gemaakt op {dt.date.today():%d-%m-%Y}"))
    pdf.set_text_color(*_INK)
    pdf.set_y(40)

    def heading(text: str) -> None:
        if pdf.get_y() > pdf.h - 40:
            pdf.add_page()
        pdf.ln(2)
        pdf.set_font(f_, "B", 12.5)
        pdf.set_text_color(*_ACCENT)
        pdf.cell(0, 7, T(text), new_x="LMARGIN", new_y="NEXT")
        pdf.set_draw_color(*_ACCENT)
        pdf.set_line_width(0.4)
        pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())
        pdf.ln(1.5)
        pdf.set_text_color(*_INK)

    def bullets(items: Sequence[str], size: float = 9.5) -> None:
        pdf.set_font(f_, "", size)
        for item in items:
            pdf.set_x(pdf.l_margin)
            pdf.cell(4, 5, T("•"))
            pdf.multi_cell(width - 4, 5, T(item), new_x="LMARGIN", new_y="NEXT", align="L")
            pdf.ln(0.6)

    if profile.highlights:
        heading("Opvallend")
        bullets(profile.highlights, 10)

    if chart_png:
        heading("Percentages vergeleken")
        img_w = width
        img_h = img_w * (80 + 62 * 8) / 900  # upper bound; fpdf keeps the aspect ratio from the image
        if pdf.get_y() + min(img_h, 120) > pdf.h - 20:
            pdf.add_page()
        pdf.image(io.BytesIO(chart_png), x=pdf.l_margin, w=img_w)
        pdf.ln(2)

    # Figures per theme.
    is_gm = profile.niveau == "gemeente"
    short = profile.naam if len(profile.naam) <= 16 else profile.naam[:15] + "…"
    bench_names = ("Drenthe", "Monitor") if is_gm else ("Gemeente", "Drenthe")
    cols = [("Indicator", 58), ("Eenheid", 34), ("Jaar", 10), (short, 23), (bench_names[0], 21),
            (bench_names[1], 21), ("Trend", 17)]
    scale = width / sum(w for _, w in cols)
    cols = [(n, w * scale) for n, w in cols]
    aligns = ["L", "L", "R", "R", "R", "R", "C"]

    def fit(text: str, w: float) -> str:
        # Shortened to one line so the table keeps a steady rhythm.
        while pdf.get_string_width(T(text)) > w - 1.5 and len(text) > 6:
            text = text[:-2].rstrip() + "…"
        return text

    def table_head() -> None:
        pdf.set_font(f_, "B", 7.8)
        pdf.set_fill_color(*_FILL)
        pdf.set_text_color(*_MUTED)
        for (name, w), align in zip(cols, aligns, strict=True):
            pdf.cell(w, 6, T(fit(name, w)), fill=True, align=align)
        pdf.ln(6)
        pdf.set_text_color(*_INK)

    for theme, figs in profile.by_theme():
        heading(theme.capitalize())
        table_head()
        for k in figs:
            extra = status_text(k) if not k.has_value else (k.note if k.note else "")
            row_h = 6.0 + (3.8 if extra else 0.0)
            if pdf.get_y() + row_h > pdf.h - 20:
                pdf.add_page()
                table_head()
            y = pdf.get_y()
            bench = [k.drenthe, k.monitor] if is_gm else [k.gemeente, k.drenthe]
            unit = "" if k.eenheid in ("", "aantal") else k.eenheid
            cells = [k.titel, unit, str(k.jaar or ""), fmt_value(k.waarde, k, unit=False) if k.has_value else "–",
                     *(fmt_value(b, k, unit=False) for b in bench)]
            for j, (text, (_, w)) in enumerate(zip(cells, cols, strict=False)):
                pdf.set_font(f_, "B" if j == 3 else "", 8.4 if j != 1 else 7.6)
                pdf.set_text_color(*(_MUTED if j == 1 else _INK))
                pdf.cell(w, 6, T(fit(text, w)), align=aligns[j])
            pdf.set_text_color(*_INK)
            # Sparkline drawn as vector lines: sharp in print, no image needed.
            sw = cols[-1][1]
            pts = [(x, v) for x, v, _ in k.trend]
            if len(pts) >= 2:
                x0, x1 = pts[0][0], pts[-1][0]
                vs = [v for _, v in pts]
                lo, hi = min(vs), max(vs)
                px0 = pdf.l_margin + width - sw + 2.5
                pw, ph = sw - 5, 3.6

                def xy(x, v, px0=px0, pw=pw, ph=ph, x0=x0, x1=x1, lo=lo, hi=hi, y=y):
                    return (px0 + (x - x0) / ((x1 - x0) or 1) * pw,
                            y + 1.2 + ph - ((v - lo) / ((hi - lo) or 1)) * ph if hi > lo else y + 3)

                pdf.set_draw_color(*_ACCENT)
                pdf.set_line_width(0.3)
                for (xa, va), (xb, vb) in zip(pts, pts[1:], strict=False):
                    pdf.line(*xy(xa, va), *xy(xb, vb))
                cx, cy = xy(*pts[-1])
                pdf.set_fill_color(*_ACCENT)
                pdf.circle(cx, cy, 0.6, style="F")
            pdf.ln(6)
            if extra:
                pdf.set_x(pdf.l_margin + 2)
                pdf.set_font(f_, "I", 7.2)
                pdf.set_text_color(*_MUTED)
                note = extra if len(extra) < 120 else extra[:117] + "…"
                pdf.cell(width - 2, 3.8, T(note))
                pdf.ln(3.8)
                pdf.set_text_color(*_INK)
            pdf.set_draw_color(*_LINE)
            pdf.set_line_width(0.15)
            pdf.line(pdf.l_margin, pdf.get_y(), pdf.l_margin + width, pdf.get_y())

    heading("Over deze cijfers")
    notes = list(profile.notes)
    if profile.leden:
        notes.append("Buurten in dit dorp: " + ", ".join(f"{n} ({c})" for c, n in profile.leden) + ".")
    notes.append("Gemeente en Drenthe zijn berekend met dezelfde regels als het gebied zelf (aantallen opgeteld, "
                 "percentages uit de opgetelde aantallen). Drenthe = de 12 Drentse gemeenten, zonder Hardenberg; "
                 "monitor = alle 13 gemeenten.")
    notes.append(LICENCE_NOTE)
    bullets(notes, 8.6)
    srcs = sorted({b.strip() for k in profile.figures for b in k.bron.split(",") if b.strip()})
    if srcs:
        pdf.ln(1)
        pdf.set_font(f_, "", 8.6)
        pdf.multi_cell(width, 4.6, T("CBS-tabellen: " + ", ".join(srcs) + "."), new_x="LMARGIN", new_y="NEXT",
                       align="L")

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
        return Download(profile_pdf(p, profile_chart_png(p)), f"{stem}.pdf", "application/pdf")
    return Download(profile_excel(p, sources()), f"{stem}.xlsx", XLSX_TYPE)
