"""Export the agreement table and the disagreements to CSV and DOCX.

The DOCX is meant for a methods section or a supervisor: it states the unit and the formulas used, the
coders, documents and settings, then a table per code with values under 0.6 shaded red and under 0.8 amber
(common rule-of-thumb thresholds: Krippendorff 2004 accepts alpha >= .800, tentative conclusions >= .667).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from docx import Document as DocxDocument
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from app.domain.errors import ExportFailed
from app.formats.safe_csv import safe_writer
from app.services.agreement import AgreementReport, CodeAgreement, Disagreement

LOW, FAIR = 0.6, 0.8
LOW_FILL, FAIR_FILL = "F4C7C3", "FCE8B2"
TABLE_COLUMNS = (
    "code",
    "n_units",
    "percent_agreement",
    "kappa",
    "ci95_low",
    "ci95_high",
    "alpha",
    "ac1",
    "prevalence",
    "bias",
    "pabak",
    "u_alpha",
    "both",
    "only_a",
    "only_b",
    "neither",
)

UNIT_TEXT = {
    "character": (
        "Unit: the character (as NVivo). For each code and document every character of the transcript is a "
        "unit, coded with the code or not by each coder. Per code the 2x2 tables of all selected documents "
        "are summed (units are pooled, kappas are not averaged). The overall row pools every (code, "
        "character) unit as one yes/no decision: it is not a multi-category kappa (compare a code set for "
        "mutually exclusive values)."
    ),
    "segment": (
        "Unit: the coded segment (as MAXQDA). A coding agrees when the other coder applied the same code to a "
        "segment overlapping it by at least the threshold; codings are paired one to one. Percent agreement "
        "= agreed pairs / (agreed pairs + unmatched codings of either coder)."
    ),
    "presence": (
        "Unit: the document. For each code and document: did each coder use the code there at all. The "
        "overall row pools every (code, document) unit as one yes/no decision: it is not a multi-category "
        "kappa (compare a code set for mutually exclusive values)."
    ),
}
FORMULAS = {
    "character": [
        "Percent agreement p_o = (a + d) / n, with a = coded by both, b = by A only, c = by B only, d = by neither.",
        "Cohen's kappa = (p_o - p_e) / (1 - p_e), p_e = p_A p_B + (1 - p_A)(1 - p_B) (Cohen 1960).",
        "Krippendorff's alpha (nominal) = 1 - (n - 1)(b + c) / (n_0 n_1) over the 2N pairable values "
        "(Krippendorff 2011).",
        "Gwet's AC1 = (p_o - p_e) / (1 - p_e), p_e = 2 pi (1 - pi), pi = (p_A + p_B) / 2 (Gwet 2008).",
        "Prevalence index = (a - d) / n; bias index = (b - c) / n; PABAK = 2 p_o - 1 (Byrt, Bishop & Carlin "
        "1993).",
        "u-alpha: Krippendorff's unitized alpha of the code's units and gaps (Krippendorff 1995, 2004).",
    ],
    "segment": [
        "Percent agreement p_o = a / (a + b + c): a = agreed pairs, b, c = unmatched codings of A and B.",
        "Kappa (Brennan & Prediger 1981) = (p_o - 1/k) / (1 - 1/k), k = the number of codes compared (at "
        "least 2), as documented for MAXQDA (Kuckartz & Raediker 2019).",
    ],
}
FORMULAS["presence"] = FORMULAS["character"][:5]
REFERENCES = (
    "Brennan, R. L. & Prediger, D. J. (1981). Coefficient kappa: some uses, misuses, and alternatives. "
    "Educational and Psychological Measurement, 41, 687-699.",
    "Byrt, T., Bishop, J. & Carlin, J. B. (1993). Bias, prevalence and kappa. Journal of Clinical Epidemiology, "
    "46(5), 423-429.",
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological "
    "Measurement, 20(1), 37-46.",
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin, 76(5), "
    "378-382.",
    "Gwet, K. L. (2008). Computing inter-rater reliability and its variance in the presence of high agreement. "
    "British Journal of Mathematical and Statistical Psychology, 61(1), 29-48.",
    "Krippendorff, K. (1995). On the reliability of unitizing continuous data. Sociological Methodology, 25, "
    "47-76.",
    "Krippendorff, K. (2004). Content Analysis: An Introduction to Its Methodology (2nd ed.). Sage.",
    "Krippendorff, K. (2011). Computing Krippendorff's Alpha-Reliability. University of Pennsylvania, "
    "Annenberg School for Communication.",
    "Kuckartz, U. & Raediker, S. (2019). Analyzing Qualitative Data with MAXQDA. Springer.",
)
MULTI_FORMULAS = [
    "With m coders, h_k units are coded by exactly k of them (k = 0..m), N units in all.",
    "Percent agreement: mean pairwise agreement P = sum h_k (C(k,2) + C(m-k,2)) / (N C(m,2)) (Fleiss 1971).",
    "Kappa: Fleiss' kappa = (P - P_e) / (1 - P_e), P_e = p^2 + (1 - p)^2, p = sum k h_k / (N m) (Fleiss 1971).",
    "Krippendorff's alpha (nominal) = 1 - (N m - 1) o_01 / (n_0 n_1), o_01 = sum h_k k (m - k) / (m - 1).",
    "Gwet's AC1 = (P - e) / (1 - e), e = 2 p (1 - p) (Gwet 2008).",
]


def _value(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"  # no "-0.000"


def _percent(proportion: float | None, digits: int) -> str:
    return _value(None if proportion is None else 100 * proportion, digits)


def _table_row(row: CodeAgreement) -> list[str]:
    low, high = row.kappa_interval or (None, None)
    return [
        row.code,
        str(row.n_units),
        _percent(row.percent_agreement, 2),
        _value(row.kappa),
        _value(low),
        _value(high),
        _value(row.alpha),
        _value(row.ac1),
        _value(row.prevalence),
        _value(row.bias),
        _value(row.pabak),
        _value(row.u_alpha),
        *(
            ["", "", "", ""]
            if row.table is None
            else [str(row.table.both), str(row.table.only_a), str(row.table.only_b), str(row.table.neither)]
        ),
    ]


def _open(path: Path):
    try:
        return path.open("w", newline="", encoding="utf-8-sig")  # BOM: Excel then reads UTF-8 correctly
    except OSError as error:
        raise ExportFailed(f"Cannot write {path.name}: {error.strerror or error}.") from None


def export_table_csv(report: AgreementReport, path: Path | str) -> Path:
    """One line per code and a last line, every (code, unit) pooled as yes/no (`OVERALL_LABEL`); empty cells
    where a figure is undefined."""
    path = Path(path)
    with _open(path) as handle:
        writer = safe_writer(handle)
        writer.writerow(TABLE_COLUMNS)
        for row in (*report.codes, report.overall):
            writer.writerow(_table_row(row))
    return path


def export_per_document_csv(report: AgreementReport, path: Path | str) -> Path:
    """One line per code and document (NVivo's coding comparison layout): units, agreement, kappa, 2x2 cells."""
    path = Path(path)
    with _open(path) as handle:
        writer = safe_writer(handle)
        writer.writerow(
            [
                "code",
                "document",
                "n_units",
                "percent_agreement",
                "kappa",
                "both",
                "only_a",
                "only_b",
                "neither",
            ]
        )
        for row in report.codes:
            for item in report.document_rows(row.code_id or 0):
                t = item.table
                writer.writerow(
                    [row.code, item.document, item.n_units, _percent(item.percent_agreement, 2), _value(item.kappa),
                     t.both, t.only_a, t.only_b, t.neither]
                )  # fmt: skip
    return path


def export_disagreements_csv(
    disagreements: Sequence[Disagreement], path: Path | str, coders=("A", "B")
) -> Path:
    path = Path(path)
    with _open(path) as handle:
        writer = safe_writer(handle)
        writer.writerow(
            [
                "document",
                "start",
                "end",
                f"codes {coders[0]}",
                f"codes {coders[1]}",
                "codes consensus",
                "text",
            ]
        )
        for item in disagreements:
            writer.writerow(
                [
                    item.document,
                    item.start,
                    item.end,
                    "; ".join(name for _id, name in item.codes_a),
                    "; ".join(name for _id, name in item.codes_b),
                    ""
                    if item.codes_consensus is None
                    else "; ".join(name for _id, name in item.codes_consensus),
                    item.text,
                ]
            )
    return path


def export_docx(
    report: AgreementReport, path: Path | str, disagreements: Sequence[Disagreement] | None = None
) -> Path:
    """A report stating unit, formulas and settings, a table per code, and optionally the disagreements."""
    path = Path(path)
    document = DocxDocument()
    names = [coder.name for coder in report.coders]
    document.add_heading(f"Inter-coder agreement: {', '.join(names[:-1])} and {names[-1]}", level=1)
    document.add_paragraph(UNIT_TEXT[report.unit])
    settings = [f"Documents: {len(report.documents)}. Codes: {len(report.codes)}."]
    if report.unit == "segment":
        measure = "intersection over union" if report.overlap == "union" else "share of the coding covered"
        settings.append(f"Overlap threshold: {report.threshold:.0%} ({measure}); k = {report.categories}.")
    if report.replicates:
        settings.append(
            f"95% confidence intervals: percentile bootstrap over documents, {report.replicates} resamples, "
            f"seed {report.seed}."
        )
    document.add_paragraph(" ".join(settings))
    document.add_heading("Formulas", level=2)
    for line in MULTI_FORMULAS if len(report.coders) > 2 else FORMULAS[report.unit]:
        document.add_paragraph(line, style="List Bullet")
    document.add_paragraph(
        f"Shading: values under {LOW} red, under {FAIR} amber. '-' marks a coefficient that is undefined for "
        "the data (for example kappa when neither coder varied)."
    )
    document.add_heading("Summary", level=2)
    _summary_table(document, report)
    document.add_heading("Per code", level=2)
    for row in (*report.codes, report.overall):
        _code_table(document, report, row)
    if disagreements is not None:
        document.add_heading(f"Disagreements ({len(disagreements)})", level=2)
        table = document.add_table(rows=1, cols=4)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("Document", "Range", *names[:2])):
            cell.text = text
        for item in disagreements:
            cells = table.add_row().cells
            cells[0].text = item.document
            cells[1].text = f"{item.start}-{item.end}: {_excerpt(item.text)}"
            cells[2].text = ", ".join(name for _id, name in item.codes_a) or "(none)"
            cells[3].text = ", ".join(name for _id, name in item.codes_b) or "(none)"
    document.add_heading("References", level=2)
    for reference in REFERENCES:
        document.add_paragraph(reference)
    try:
        document.save(str(path))
    except OSError as error:
        raise ExportFailed(f"Cannot write {path.name}: {error.strerror or error}.") from None
    return path


def _excerpt(text: str, limit: int = 200) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def _figures(report: AgreementReport, row: CodeAgreement) -> list[tuple[str, float | None, str]]:
    interval = row.kappa_interval
    ci = f"[{_value(interval[0])}, {_value(interval[1])}]" if interval else "-"
    items = [
        ("Units", None, str(row.n_units)),
        (
            "Percent agreement",
            None,
            _percent(row.percent_agreement, 1) + "%" if row.percent_agreement is not None else "-",
        ),
        ("Kappa", row.kappa, _value(row.kappa) or "-"),
        ("Kappa 95% CI", None, ci),
    ]
    if report.unit != "segment":
        items += [
            ("Krippendorff's alpha", row.alpha, _value(row.alpha) or "-"),
            ("Gwet's AC1", row.ac1, _value(row.ac1) or "-"),
            ("Prevalence index", None, _value(row.prevalence) or "-"),
            ("Bias index", None, _value(row.bias) or "-"),
            ("PABAK", None, _value(row.pabak) or "-"),
        ]
    if report.unit == "character":
        items.append(("u-alpha", row.u_alpha, _value(row.u_alpha) or "-"))
    return items


def _code_table(document, report: AgreementReport, row: CodeAgreement) -> None:
    document.add_heading(
        row.code
        if row.code_id is not None
        else "All codes pooled as yes/no decisions (not a multi-category kappa)",
        level=3,
    )
    table = document.add_table(rows=0, cols=2)
    table.style = "Table Grid"
    for label, value, text in _figures(report, row):
        cells = table.add_row().cells
        cells[0].text = label
        cells[1].text = text
        _shade(cells[1], value)


def _summary_table(document, report: AgreementReport) -> None:
    headers = ["Code", "Units", "% agreement", "Kappa"]
    if report.unit != "segment":
        headers += ["Alpha", "AC1"]
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = text
    for row in (*report.codes, report.overall):
        values = [row.kappa] + ([row.alpha, row.ac1] if report.unit != "segment" else [])
        cells = table.add_row().cells
        cells[0].text = row.code
        cells[1].text = str(row.n_units)
        cells[2].text = _percent(row.percent_agreement, 1) or "-"
        for offset, value in enumerate(values):
            cells[3 + offset].text = _value(value) or "-"
            _shade(cells[3 + offset], value)


def _shade(cell, value: float | None) -> None:
    if value is None or value >= FAIR:
        return
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), LOW_FILL if value < LOW else FAIR_FILL)
    cell._tc.get_or_add_tcPr().append(shading)
