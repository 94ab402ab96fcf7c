"""Pages generated from data and parameters before Sphinx runs (MyST markdown).

- ``data_sources.md``: every table, its fields with units, and every source as a link,
  each with an anchor (``src-<source_id>``) that provenance links point at.
"""

from __future__ import annotations

import html
from pathlib import Path

from .data import package_descriptor, sources, table_meta, table_names
from .params import RunParams
from .sphinxext import source_label


def _cell(text: object) -> str:
    """Escape text for a markdown table cell (data text must never become markup)."""
    s = "" if text is None else str(text)
    if s in ("nan", "NaT", "<NA>", "None"):
        s = ""
    return html.escape(s).replace("|", "&#124;").replace("\n", " ").replace("*", "&#42;") \
        .replace("_", "&#95;").replace("`", "&#96;").replace("[", "&#91;").replace("]", "&#93;")


def data_sources_page(folder: Path) -> str:
    desc = package_descriptor(folder)
    lines = [
        "# Data and sources",
        "",
        "Every number in this report is computed from the tables below. Each table lives in "
        "`data/` as a CSV file, described once in `data/datapackage.json`; each row names the "
        "source it comes from. Where sources disagree, both rows are kept and the chapter says "
        "which one it uses.",
        "",
    ]
    for name in table_names(folder):
        if name == "sources":
            continue
        meta = table_meta(name, folder)
        lines += [f"(table-{name})=", f"## {_cell(meta.title)}", "",
                  f"{_cell(meta.description)} File: `data/{meta.path}`.", "",
                  "| Field | Type | Unit | Description |", "|---|---|---|---|"]
        for f in meta.fields:
            lines.append(f"| `{f.name}` | {f.type} | {_cell(f.unit)} | {_cell(f.description)} |")
        lines.append("")
    lines += ["(sources-register)=", "## Sources", "",
              "Reliability: *official* (Government of India, a regulator, a company filing), "
              "*press* (a news outlet), *secondary* (blogs, aggregators, mirrors), "
              "*company_claim* (a company's own statement about itself).", ""]
    src = sources(folder)
    for _, row in src.sort_values("source_id").iterrows():
        sid = str(row["source_id"])
        date = row["date_published"]
        date_text = "" if str(date) == "NaT" else f", {date:%d %b %Y}"
        url = html.escape(str(row["url"]), quote=True)
        lines += [
            f"({source_label(sid)})=",
            f'<p class="br-source-entry">'
            f"<code>{html.escape(sid)}</code>: {html.escape(str(row['publisher']))}, "
            f'<a href="{url}">{html.escape(str(row["title"]))}</a>{date_text}. '
            f"Reliability: {html.escape(str(row['reliability']))}. "
            f"Licence: {html.escape(str(row.get('licence', '')))}.</p>",
            "",
        ]
    lines += [f"Data package: {_cell(desc.get('title', ''))}.", ""]
    return "\n".join(lines)


def write_if_changed(path: Path, text: str) -> None:
    """Leave an unchanged page untouched so Sphinx does not re-read it."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_generated_pages(folder: Path, params: RunParams, data_folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    write_if_changed(folder / "data_sources.md", data_sources_page(data_folder))
