"""The agreement of a code set as text (the CLI), CSV and a DOCX report for a methods section."""

from __future__ import annotations

from pathlib import Path

from docx import Document as DocxDocument

from app.domain.errors import ExportFailed
from app.formats.safe_csv import safe_writer
from app.services.agreement_report import LOW, _shade
from app.services.set_agreement import SetAgreementReport

LEVEL_TEXT = {
    "nominal": "nominal: any two different values disagree equally",
    "ordinal": "ordinal: values ranked in codebook order; disagreements weigh by how many values lie between",
    "interval": "interval: disagreements weigh by the squared difference of the values' numbers",
    "ratio": "ratio: disagreements weigh by ((c - k) / (c + k))^2 of the values' numbers",
}
UNIT_TEXT = {
    "presence": (
        "Unit: the document. Each coder's value in a document is the value of the set the coder used there; "
        "a coder who used two values of the set in one document gave no single value (counted as missing)."
    ),
    "segment": (
        "Unit: the segment. Codings of the set's values by different coders that overlap by at least the "
        "threshold form one unit (joined greedily by decreasing overlap, never two codings of one coder); a "
        "coding nobody else matched is a unit with one value, not pairable."
    ),
}
FORMULAS = (
    "Krippendorff's alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck over the coincidence matrix o_ck of "
    "the pairable values (units with two values or more; missing values allowed) (Krippendorff 2011).",
    "Fleiss' kappa = (P - P_e) / (1 - P_e) over the units every coder coded; per value, the value against "
    "all others (Fleiss 1971, eq. 10).",
    "Cohen's kappa (two coders) = (p_o - p_e) / (1 - p_e) over the k x k table of the units both coded "
    "(Cohen 1960).",
    "Percent agreement: the mean, over pairable units, of the share of agreeing pairs of values.",
)
REFERENCES = (
    "Cohen, J. (1960). A coefficient of agreement for nominal scales. Educational and Psychological "
    "Measurement, 20, 37-46.",
    "Fleiss, J. L. (1971). Measuring nominal scale agreement among many raters. Psychological Bulletin, 76, "
    "378-382.",
    "Krippendorff, K. (2011). Computing Krippendorff's alpha-reliability. Annenberg School for Communication, "
    "University of Pennsylvania.",
)


def _value(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{round(value, digits) + 0.0:.{digits}f}"


def _interval(report: SetAgreementReport, name: str, scale: float = 1) -> str:
    interval = report.figures.intervals.get(name)
    if interval is None:
        return "-"
    digits = 2 if scale == 1 else 1
    return f"[{_value(scale * interval[0], digits)}, {_value(scale * interval[1], digits)}]"


def summary_rows(report: SetAgreementReport) -> list[tuple[str, float | None, str, str]]:
    """(figure, value for shading, value as text, 95 % interval as text)."""
    f = report.figures
    percent = None if f.percent_agreement is None else 100 * f.percent_agreement
    return [
        (f"Krippendorff's alpha ({report.level})", f.alpha, _value(f.alpha), _interval(report, "alpha")),
        ("Fleiss' kappa", f.fleiss_kappa, _value(f.fleiss_kappa), _interval(report, "fleiss_kappa")),
        ("Cohen's kappa", f.cohen_kappa, _value(f.cohen_kappa), _interval(report, "cohen_kappa")),
        ("Percent agreement", None, _value(percent, 1), _interval(report, "percent_agreement", 100)),
    ]


def heading(report: SetAgreementReport) -> str:
    names = [coder.name for coder in report.coders]
    return (
        f"Agreement on the set {report.code_set.path} ({len(report.code_set.values)} values) of "
        f"{', '.join(names[:-1])} and {names[-1]}"
    )


def counts_line(report: SetAgreementReport) -> str:
    f = report.figures
    line = (
        f"Unit: {report.unit}; level: {report.level}; {report.documents} documents; {f.units} units with a "
        f"value, {f.pairable} pairable, {f.complete} coded by every coder."
    )
    if report.unit == "segment":
        line += f" Overlap >= {report.threshold:.0%} ({report.overlap})."
    if report.ambiguous:
        line += f" {report.ambiguous} time(s) a coder gave one document two values (counted as missing)."
    return line


def _columns(rows: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return [
        "  ".join(cell.ljust(w) if i == 0 else cell.rjust(w) for i, (cell, w) in enumerate(zip(row, widths)))
        for row in rows
    ]


def render_text(report: SetAgreementReport) -> str:
    lines = [heading(report), counts_line(report), ""]
    lines += _columns(
        [["figure", "value", "95% CI"], *([label, text, ci] for label, _v, text, ci in summary_rows(report))]
    )
    values = [["value", "number", "pairable values", "Fleiss' kappa (vs rest)"]]
    for row in report.value_rows():
        number = "-" if row["number"] is None else f"{row['number']:g}"
        values.append([row["code"], number, f"{row['pairable_values']:g}", _value(row["fleiss_kappa"])])
    lines += ["", *_columns(values), "", "coincidences (Krippendorff 2011):"]
    names = [value.name for value in report.code_set.values]
    lines += _columns(
        [
            ["", *names],
            *([name, *(f"{c:.2f}" for c in row)] for name, row in zip(names, report.figures.coincidences)),
        ]
    )
    return "\n".join(lines)


def export_csv(report: SetAgreementReport, path: Path | str) -> Path:
    """The figures, then one line per value, then the coincidence matrix (empty cells where undefined)."""
    path = Path(path)
    names = [value.name for value in report.code_set.values]
    try:
        with path.open("w", newline="", encoding="utf-8-sig") as handle:
            writer = safe_writer(handle)  # defuses formula cells
            writer.writerow(["set", "unit", "level", "coders", "documents", "units", "pairable", "complete"])
            f = report.figures
            writer.writerow(
                [report.code_set.path, report.unit, report.level,
                 "; ".join(c.name for c in report.coders), report.documents, f.units,
                 f.pairable, f.complete]
            )  # fmt: skip
            writer.writerow([])
            writer.writerow(["figure", "value", "ci95_low", "ci95_high"])
            for name, value in (
                ("alpha", f.alpha), ("fleiss_kappa", f.fleiss_kappa), ("cohen_kappa", f.cohen_kappa),
                ("percent_agreement", None if f.percent_agreement is None else 100 * f.percent_agreement),
            ):  # fmt: skip
                interval = f.intervals.get(name)
                scale = 100 if name == "percent_agreement" and interval else 1
                low, high = (None, None) if interval is None else (scale * interval[0], scale * interval[1])
                writer.writerow([name, _csv(value), _csv(low), _csv(high)])
            writer.writerow([])
            writer.writerow(["value", "rank", "number", "pairable_values", "fleiss_kappa"])
            for row in report.value_rows():
                writer.writerow(
                    [row["code"], row["rank"], _csv(row["number"]),
                     _csv(row["pairable_values"]), _csv(row["fleiss_kappa"])]
                )  # fmt: skip
            writer.writerow([])
            writer.writerow(["coincidences", *(name for name in names)])
            for name, matrix_row in zip(names, f.coincidences):
                writer.writerow([name, *(_csv(cell) for cell in matrix_row)])
    except OSError as error:
        raise ExportFailed(f"Cannot write {path.name}: {error.strerror or error}.") from None
    return path


def _csv(value: float | None) -> str:
    return "" if value is None else f"{round(value, 6) + 0.0:g}"


def export_docx(report: SetAgreementReport, path: Path | str) -> Path:
    path = Path(path)
    document = DocxDocument()
    document.add_heading(heading(report), level=1)
    document.add_paragraph(UNIT_TEXT[report.unit])
    document.add_paragraph(f"Level {LEVEL_TEXT[report.level]}.")
    settings = counts_line(report)
    if report.replicates:
        settings += (
            f" 95% confidence intervals: percentile bootstrap over documents, {report.replicates} resamples, "
            f"seed {report.seed}."
        )
    document.add_paragraph(settings)
    document.add_heading("Figures", level=2)
    table = document.add_table(rows=1, cols=3)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Figure", "Value", "95% CI")):
        cell.text = text
    for label, value, text, ci in summary_rows(report):
        cells = table.add_row().cells
        cells[0].text, cells[1].text, cells[2].text = label, text, ci
        _shade(cells[1], value)
    document.add_heading("Values", level=2)
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("Value", "Number", "Pairable values", "Fleiss' kappa")):
        cell.text = text
    for row in report.value_rows():
        cells = table.add_row().cells
        cells[0].text = row["code"]
        cells[1].text = "-" if row["number"] is None else f"{row['number']:g}"
        cells[2].text = f"{row['pairable_values']:g}"
        cells[3].text = _value(row["fleiss_kappa"])
        _shade(cells[3], row["fleiss_kappa"])
    document.add_heading("Coincidence matrix", level=2)
    names = [value.name for value in report.code_set.values]
    table = document.add_table(rows=1, cols=len(names) + 1)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["", *names]):
        cell.text = text
    for name, matrix_row in zip(names, report.figures.coincidences):
        cells = table.add_row().cells
        cells[0].text = name
        for cell, count in zip(cells[1:], matrix_row):
            cell.text = f"{count:.2f}"
    document.add_heading("Formulas", level=2)
    for line in FORMULAS:
        document.add_paragraph(line, style="List Bullet")
    document.add_paragraph(
        f"Shading: values under {LOW} red, under 0.8 amber. '-' marks a figure undefined for the data."
    )
    document.add_heading("References", level=2)
    for reference in REFERENCES:
        document.add_paragraph(reference)
    try:
        document.save(str(path))
    except OSError as error:
        raise ExportFailed(f"Cannot write {path.name}: {error.strerror or error}.") from None
    return path
