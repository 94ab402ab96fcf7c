"""Pages generated from data and parameters before Sphinx runs (MyST markdown).

- ``data_sources.md``: every table, its fields with units, and every source as a link,
  each with an anchor (``src-<source_id>``) that provenance links point at.
"""

from __future__ import annotations

import html
from pathlib import Path

from .data import load_table, package_descriptor, sources, table_meta, table_names
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
        frame = load_table(name, folder)
        ids = sorted({str(v) for c in frame.columns if c.endswith("source_id")
                      for v in frame[c].dropna()})
        links = ", ".join(f"{{ref}}`{sid} <{source_label(sid)}>`" for sid in ids)
        lines += [f"(table-{name})=", f"## {_cell(meta.title)}", "",
                  f"{_cell(meta.description)}", "",
                  f"{{download}}`data/{meta.path} <data/{meta.path}>`: "
                  f"{len(frame)} rows from {len(ids)} sources "
                  f"({links}).", "",
                  f":::{{dropdown}} Fields of `{name}` ({len(meta.fields)})", "",
                  "| Field | Type | Unit | Description |", "|---|---|---|---|"]
        for f in meta.fields:
            lines.append(f"| `{f.name}` | {f.type} | {_cell(f.unit)} | {_cell(f.description)} |")
        lines += [":::", ""]
    lines += ["(sources-register)=", "## Sources", "",
              "Reliability: *official* (Government of India, a regulator, a company filing), "
              "*press* (a news outlet), *secondary* (blogs, aggregators, mirrors), "
              "*company_claim* (a company's own statement about itself).", ""]
    src = sources(folder)
    for _, row in src.sort_values("source_id").iterrows():
        sid = str(row["source_id"])
        date = row["date_published"]
        precision = str(row.get("date_precision", "day"))
        shown = {"year": "%Y", "month": "%b %Y"}.get(precision, "%d %b %Y")
        date_text = "" if str(date) == "NaT" else f", {date.strftime(shown)}"
        url = str(row["url"])
        title = _cell(row["title"])
        # Only web links become links: a data row must never inject a script URL.
        linked = (f"[{title}](<{url.replace('>', '%3E').replace(' ', '%20')}>)"
                  if url.startswith(("https://", "http://")) else f"{title} ({_cell(url)})")
        lines += [
            f"({source_label(sid)})=",
            f"`{sid}`: {_cell(row['publisher'])}, {linked}{date_text}. "
            f"Reliability: {_cell(row['reliability'])}. Licence: {_cell(row.get('licence', ''))}.",
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
    # Copies of the tables for download from the "Data and sources" page.
    copies = folder / "data"
    copies.mkdir(exist_ok=True)
    for name in table_names(data_folder):
        src = data_folder / table_meta(name, data_folder).path
        write_if_changed(copies / src.name, src.read_text(encoding="utf-8"))
    write_if_changed(copies / "datapackage.json",
                     (data_folder / "datapackage.json").read_text(encoding="utf-8"))
    write_if_changed(folder / "data_sources.md", data_sources_page(data_folder))


def _md_table(frame, columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(title for _, title in columns) + " |",
             "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(_cell(row[c]) for c, _ in columns) + " |")
    return lines + [""]


def _day(iso: str | None, default: str) -> str:
    from . import fmt

    return fmt.date(iso) if iso else default


def edition_banner(manifest: dict) -> str:
    as_of = _day(manifest.get("as_of"), "the latest observation")
    scenario = manifest["scenario"]
    label = ("" if scenario == "default"
             else f" Scenario: **{_cell(scenario)}** (not the published edition).")
    return (f"Edition {manifest['edition_number']} ({_day(manifest['built_on'], '')}), data as of "
            f"{_cell(as_of)}.{label} "
            "{doc}`About this edition </book/_generated/about_edition>` · "
            "{doc}`What changed </book/_generated/what_changed>`\n")


def about_edition_page(manifest: dict) -> str:
    lines = ["# About this edition", "",
             f"This is edition {manifest['edition_number']} of the report, built on "
             f"{_cell(manifest['built_on'])} from commit `{_cell(manifest['git_commit'])}`, "
             f"scenario `{_cell(manifest['scenario'])}`, with data as of "
             f"{_cell(manifest.get('as_of') or 'the latest observation')}.", "",
             "## Parameters", "", "| Parameter | Value |", "|---|---|"]
    for k, v in manifest["parameters"].items():
        lines.append(f"| `{k}` | {_cell(v if v is not None else 'from data')} |")
    lines += ["", "## Data tables", "",
              "Each table's SHA-256 (first 16 hex digits) identifies the exact file used.", "",
              "| Table | Hash |", "|---|---|"]
    for k, v in manifest["data_tables"].items():
        lines.append(f"| `{k}` | `{v}` |")
    return "\n".join(lines) + "\n"


def what_changed_page(manifest: dict, base, values: dict, data_folder: Path) -> str:
    from .editions import compare_data, compare_values

    lines = ["# What changed", ""]
    if base is None:
        lines += ["This is the first edition of this report (scenario "
                  f"`{_cell(manifest['scenario'])}`): there is nothing to compare it with yet.",
                  "Later editions list here the numbers that moved and the source rows that "
                  "were added or changed.", ""]
        return "\n".join(lines)
    moved = compare_values(base.values(), values)
    rows = compare_data(base.folder / "data", data_folder)
    lines += [f"Edition {manifest['edition_number']} against edition "
              f"{base.manifest['edition_number']} ({_cell(base.manifest['built_on'])}): "
              f"{len(moved)} reported number(s) moved and {len(rows)} data row(s) were added, "
              "removed or changed.", ""]
    lines += ["## Numbers that moved", ""]
    if len(moved):
        lines += _md_table(moved, [("label", "Number"), ("key", "Where"), ("before", "Before"),
                                   ("after", "Now"), ("change", "Change")])
    else:
        lines += ["None.", ""]
    lines += ["## Data rows added, removed or changed", ""]
    if len(rows):
        lines += _md_table(rows, [("table", "Table"), ("row", "Row (key)"), ("what", "What"),
                                  ("detail", "Detail")])
    else:
        lines += ["None.", ""]
    lines += ["Parameters of the previous edition: "
              + ", ".join(f"`{k}` = {_cell(v)}" for k, v in base.manifest["parameters"].items()
                          if manifest["parameters"].get(k) != v) or "unchanged.", ""]
    return "\n".join(lines)


def write_edition_pages(folder: Path, manifest: dict, base, values: dict,
                        data_folder: Path) -> None:
    write_if_changed(folder / "edition_banner.md", edition_banner(manifest))
    write_if_changed(folder / "about_edition.md", about_edition_page(manifest))
    write_if_changed(folder / "what_changed.md", what_changed_page(manifest, base, values,
                                                                    data_folder))
