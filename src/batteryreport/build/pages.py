"""Pages generated from data and parameters before Sphinx runs (MyST markdown).

- ``data_sources.md``: every table and where its rows come from, and every source as a
  link, each with an anchor (``src-<source_id>``) that provenance links point at.
- ``data_dictionary.md``: every table's fields, with types and units.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pandas as pd
import yaml

from batteryreport.build.address import PUBLIC_SCENARIO, edition_folder
from batteryreport.core.errors import DataError, Problem
from batteryreport.data import (
    package_descriptor,
    read_values,
    sources,
    table_meta,
    table_names,
)
from batteryreport.data.params import RunParams
from batteryreport.present.text import cite_date, md_inline, one_line, source_label, web_url

# Data text goes into these pages only through _cell (escaped, one line). Identifiers that
# become parts of roles, targets or paths must be plain slugs: checked, never escaped.
_cell = md_inline
_SLUG = re.compile(r"^[a-z0-9_]+$")
_FILE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.-]*\.csv$")


def _ident(value: object, what: str, file: str) -> str:
    text = str(value)
    if not _SLUG.match(text):
        raise DataError([Problem(file, "identifier", f"{what} must be lowercase letters, digits "
                                 "and underscores", value=text[:40])])
    return text


def data_sources_page(folder: Path, with_dataset: bool = False) -> str:
    """The page; ``with_dataset``: it points to the edition's whole-dataset zip, which
    "About this edition" offers (see :func:`dataset_lines`).

    The page names no edition, so that a new edition whose sources are unchanged leaves it
    as it was, and the site does not read and write it again (it is the book's largest
    page: about 0.3 s of every rebuild)."""
    desc = package_descriptor(folder)
    lines = [
        "(data-sources-top)=",
        "# Data and sources",
        "",
        "Every number in this report is computed from the tables below. Each table lives in "
        "`data/` as a CSV file, described once in `data/datapackage.json`; each row names the "
        "source it comes from. Where sources disagree, both rows are kept and the chapter says "
        "which one it uses.",
        "",
    ]
    if with_dataset:
        lines += ["**The whole dataset of this edition** (every table below and "
                  "`datapackage.json`, in one zip file) is offered on "
                  "{ref}`About this edition <dataset-download>`, with each table's hash.", ""]
    src = sources(folder)
    order = {sid: _source_order(src, sid) for sid in src.index}
    for name in table_names(folder):
        if name == "sources":
            continue
        meta = table_meta(name, folder)
        _ident(name, "a table name", DESCRIPTOR_FILE)
        if not _FILE.match(meta.path):
            raise DataError([Problem(DESCRIPTOR_FILE, "resource-path", "a table's path must be "
                                     "the name of a .csv file in the data folder",
                                     column=name, value=meta.path[:60])])
        # The values as read (no DataFrame: this page only counts rows and collects ids).
        table = read_values(name, folder)
        ids = sorted({_ident(v, "a source id", meta.path) for c, values in table.columns.items()
                      if c.endswith("source_id") for v in values if v is not None})
        links = "; ".join(_source_link(src.loc[sid]) if sid in src.index else _cell(sid)
                          for sid in sorted(ids, key=lambda i: order.get(i, ("~", "", i))))
        lines += [f"(table-{name})=", f"## {_cell(meta.title)}", "",
                  f"{_cell(meta.description)}", "",
                  f"{{download}}`data/{meta.path} <data/{meta.path}>`: "
                  f"{len(table.row_numbers)} rows from {len(ids)} sources "
                  f"({links}). Its {len(meta.fields)} fields, with their types and units, "
                  f"are in the {{ref}}`data dictionary <fields-{name}>`.", ""]
    lines += ["(sources-register)=", "## Sources", "",
              "Reliability: *official* (Government of India, a regulator, a company filing), "
              "*press* (a news outlet), *secondary* (blogs, aggregators, mirrors), "
              "*company_claim* (a company's own statement about itself).", ""]
    for sid in sorted(src.index, key=order.__getitem__):
        row = src.loc[sid]
        sid = _ident(sid, "a source id", "sources.csv")
        date = row["date_published"]
        precision = str(row.get("date_precision", "day"))
        shown = {"year": "%Y", "month": "%b %Y"}.get(precision, "%d %b %Y")
        date_text = "" if str(date) == "NaT" else f" ({date.strftime(shown)})"
        url = web_url(row["url"])
        title = _cell(row["title"])
        # Only web links become links: a data row must never inject a script URL. Inside
        # <...> a link destination ends at ">" and may not hold spaces or line breaks.
        linked = (f"[{title}](<{_url_dest(url)}>)" if url
                  else f"{title} ({_cell(row['url'])})")
        # Publisher, title, date first; the id (what data rows cite) last, small.
        lines += [
            f"({source_label(sid)})=",
            f"**{_cell(row['publisher'])}**, {linked}{date_text}.  ",
            f"Reliability: {_cell(row['reliability'])}. Licence: {_cell(row.get('licence', ''))}."
            f" Id `{sid}`.",
            "",
        ]
    lines += [f"Data package: {_cell(desc.get('title', ''))}.", ""]
    return "\n".join(lines)


DESCRIPTOR_FILE = "datapackage.json"


def data_dictionary_page(folder: Path) -> str:
    """Every table's fields, with type, unit and description, from the data package's
    descriptor alone. A page of its own, so that new data rows or a new edition (which
    change "Data and sources") leave it as it is: Sphinx does not read it again."""
    lines = [
        "# Data dictionary",
        "",
        "The fields of every table of the data package, with their types and units, as "
        "`data/datapackage.json` describes them. Where each table comes from is on the page "
        "{ref}`Data and sources <data-sources-top>`.",
        "",
    ]
    # The data tables in the order "Data and sources" lists them, the source register last.
    for name in sorted(table_names(folder), key=lambda n: n == "sources"):
        meta = table_meta(name, folder)
        _ident(name, "a table name", DESCRIPTOR_FILE)
        about = ("sources-register" if name == "sources" else f"table-{name}")
        lines += [f"(fields-{name})=", f"## {_cell(meta.title)}", "",
                  f"Table `{name}`, {len(meta.fields)} fields "
                  f"({{ref}}`where its rows come from <{about}>`).", "",
                  "| Field | Type | Unit | Description |", "|---|---|---|---|"]
        for f in meta.fields:
            lines.append(f"| {_cell(f.name)} | {_cell(f.type)} | {_cell(f.unit)} "
                         f"| {_cell(f.description)} |")
        lines.append("")
    return "\n".join(lines)


def _source_order(src: pd.DataFrame, sid: str) -> tuple[str, str, str]:
    """Sources in the register, and in a table's list, by publisher, then date."""
    if sid not in src.index:
        return ("~", "", sid)
    row = src.loc[sid]
    date = row["date_published"]
    return (str(row["publisher"]).casefold(), "" if str(date) == "NaT" else date.isoformat(),
            sid)


def _source_link(row: pd.Series) -> str:
    """A citation linking to the source's entry below: "Publisher (May 2021)". The text is
    data (escaped); the target is a checked slug."""
    sid = _ident(row["source_id"], "a source id", "sources.csv")
    date = cite_date(row["date_published"], row.get("date_precision"))
    text = _cell(row["publisher"]) + (f" \\({_cell(date)}\\)" if date else "")
    return f"[{text}](#{source_label(sid)})"


def _url_dest(url: str) -> str:
    """An http(s) URL (see :func:`web_url`: no spaces, quotes or angle brackets) as a link
    destination: backslash escapes work there too, so no entity or escape is decoded."""
    return md_inline(url)


# Every page (or fragment) the build writes into book/_generated besides the notebooks.
GENERATED_MD = ("data_sources", "data_dictionary", "what_changed", "editions",
                "about_edition", "edition_banner", "citation")


def remove_stale_pages(folder: Path) -> None:
    """A page an earlier version of the build wrote and this one does not would be outside
    the table of contents, which the strict build refuses."""
    for path in folder.glob("*.md"):
        if path.stem not in GENERATED_MD:
            path.unlink()


def write_if_changed(path: Path, text: str) -> None:
    """Leave an unchanged page untouched so Sphinx does not re-read it."""
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def write_generated_pages(folder: Path, params: RunParams, data_folder: Path,
                          manifest: dict | None = None, data_pages: bool = True) -> None:
    """The "Data and sources" page and the files it offers for download (unless
    ``data_pages`` is False: :func:`write_data_pages` wrote them); with the edition's
    ``manifest``, the whole dataset as one zip too."""
    from batteryreport.build.dataset import dataset_name, write_dataset

    if data_pages:
        write_data_pages(folder, data_folder, with_dataset=manifest is not None)
    if manifest is not None:
        write_dataset(data_folder, folder / "data" / dataset_name(manifest))


def write_data_pages(folder: Path, data_folder: Path, with_dataset: bool = True) -> None:
    """"Data and sources", the data dictionary and the tables they offer for download:
    made from the data alone (no edition, no notebook), so the build writes them while
    the notebooks run. ``with_dataset``: the page points to the edition's whole-dataset
    zip (on "About this edition")."""
    folder.mkdir(parents=True, exist_ok=True)
    copies = folder / "data"
    copies.mkdir(exist_ok=True)
    for name in table_names(data_folder):
        src = data_folder / table_meta(name, data_folder).path
        write_if_changed(copies / src.name, src.read_text(encoding="utf-8"))
    write_if_changed(copies / "datapackage.json",
                     (data_folder / "datapackage.json").read_text(encoding="utf-8"))
    write_if_changed(folder / "data_sources.md", data_sources_page(data_folder, with_dataset))
    write_if_changed(folder / "data_dictionary.md", data_dictionary_page(data_folder))


def _md_table(frame, columns: list[tuple[str, str]]) -> list[str]:
    lines = ["| " + " | ".join(title for _, title in columns) + " |",
             "|" + "---|" * len(columns)]
    for _, row in frame.iterrows():
        lines.append("| " + " | ".join(_cell(row[c]) for c, _ in columns) + " |")
    return lines + [""]


def _day(iso: str | None, default: str) -> str:
    from batteryreport.present import fmt

    return fmt.date(iso) if iso else default


def edition_banner(manifest: dict) -> str:
    as_of = _day(manifest.get("as_of"), "the latest observation")
    scenario = manifest["scenario"]
    label = ("" if scenario == "default"
             else f" Scenario: **{_cell(scenario)}** (not the published edition).")
    return (f"Edition {manifest['edition_number']} ({_day(manifest['built_on'], '')}), data as of "
            f"{_cell(as_of)}.{label} "
            "{doc}`About this edition </book/_generated/about_edition>` · "
            "{doc}`What changed </book/_generated/what_changed>` · "
            "{doc}`All editions </book/_generated/editions>`\n")


def dataset_lines(dataset: Path) -> list[str]:
    """The edition's whole-dataset zip, as a download with its size."""
    # The name is made by dataset_name from a slug and a number: safe in a role.
    kb = max(1, round(dataset.stat().st_size / 1024))
    return ["(dataset-download)=", "",
            "**The whole dataset of this edition** (every table and `datapackage.json`, one "
            f"zip file, {kb} KB): {{download}}`{dataset.name} <data/{dataset.name}>`.", ""]


def about_edition_page(manifest: dict, dataset: Path | None = None) -> str:
    lines = ["# About this edition", "",
             f"This is edition {manifest['edition_number']} of the report, built on "
             f"{_cell(manifest['built_on'])} from commit {_cell(manifest['git_commit'])}, "
             f"scenario {_cell(manifest['scenario'])}, with data as of "
             f"{_cell(manifest.get('as_of') or 'the latest observation')}.", ""]
    if dataset is not None:
        lines += dataset_lines(dataset)
    lines += ["## Parameters", "", "| Parameter | Value |", "|---|---|"]
    for k, v in manifest["parameters"].items():
        lines.append(f"| {_cell(k)} | {_cell(v if v is not None else 'from data')} |")
    lines += ["", "## Data tables", "",
              "Each table's SHA-256 (first 16 hex digits) identifies the exact file used.", "",
              "| Table | Hash |", "|---|---|"]
    for k, v in manifest["data_tables"].items():
        lines.append(f"| {_cell(k)} | {_cell(v)} |")
    return "\n".join(lines) + "\n"


ROWS_SHOWN_PER_TABLE = 10  # a large change is summarised; the full list is a download
DIFF_CSV = "what_changed_rows.csv"


def changes(base, values: dict, data_folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The glued numbers that moved and the data rows that changed since ``base`` (an
    :class:`~batteryreport.build.editions.Edition`, or None for a first edition)."""
    from batteryreport.build.editions import compare_data, compare_values

    if base is None:
        return (pd.DataFrame(columns=["key", "label", "before", "after", "change"]),
                pd.DataFrame(columns=["table", "row", "what", "detail"]))
    return compare_values(base.values(), values), compare_data(base.folder / "data", data_folder)


def what_changed_page(manifest: dict, base, values: dict, data_folder: Path,
                      changed: tuple[pd.DataFrame, pd.DataFrame] | None = None,
                      ) -> tuple[str, pd.DataFrame]:
    """The page, and every changed data row (for the page's CSV download)."""
    lines = ["# What changed", ""]
    empty = pd.DataFrame(columns=["table", "row", "what", "detail"])
    if base is None:
        lines += ["This is the first edition of this report (scenario "
                  f"{_cell(manifest['scenario'])}): there is nothing to compare it with yet.",
                  "Later editions list here the numbers that moved and the source rows that "
                  "were added or changed.", ""]
        return "\n".join(lines), empty
    moved, rows = changed if changed is not None else changes(base, values, data_folder)
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
        counts = (rows.groupby(["table", "what"]).size().unstack(fill_value=0)
                  .reindex(columns=["added", "removed", "changed"], fill_value=0)
                  .reset_index())
        lines += _md_table(counts, [("table", "Table"), ("added", "Added"),
                                    ("removed", "Removed"), ("changed", "Changed")])
        shown = rows.groupby("table", sort=False).head(ROWS_SHOWN_PER_TABLE)
        if len(shown) < len(rows):
            lines += [f"The first {ROWS_SHOWN_PER_TABLE} rows of each table are listed here; "
                      f"{{download}}`all {len(rows)} rows (CSV) <{DIFF_CSV}>`.", ""]
        else:
            lines += [f"{{download}}`These rows as CSV <{DIFF_CSV}>`.", ""]
        lines += _md_table(shown, [("table", "Table"), ("row", "Row (key)"), ("what", "What"),
                                   ("detail", "Detail")])
    else:
        lines += ["None.", ""]
    before = [f"{_cell(k)} = {_cell(v)}" for k, v in base.manifest["parameters"].items()
              if manifest["parameters"].get(k) != v]
    lines += ["Parameters of the previous edition: "
              + (", ".join(before) if before else "unchanged") + ".", ""]
    return "\n".join(lines), rows


# --------------------------------------------------------------------------- editions page

# Links that lead out of one edition's site into the public folder (another edition, the
# latest one) carry this class. They are written for the site at the folder's top; when a
# site is placed at editions/<number>/, publishing re-bases exactly these links.
PUBLIC_LINK = "br-public-link"
GENERATED_DIR = "book/_generated"  # where generated pages sit in the built site
TO_SITE_ROOT = "../" * len(Path(GENERATED_DIR).parts)


def _change_summary(moved: pd.DataFrame, rows: pd.DataFrame, params_changed: list[str]) -> str:
    parts = [f"{len(moved)} number{'s' if len(moved) != 1 else ''} moved",
             f"{len(rows)} data row{'s' if len(rows) != 1 else ''} added, removed or changed"]
    if params_changed:
        parts.append("parameters changed: " + ", ".join(params_changed))
    return "; ".join(parts)


def _public_link(href: str, text: str) -> str:
    return f'<a class="reference external {PUBLIC_LINK}" href="{html.escape(href)}">' \
           f"{html.escape(text)}</a>"


def _past_summary(e, old, cache: Path | None) -> str:
    """What changed in a past edition, in one line. A past edition never changes, so its
    line is worked out once and kept in ``cache`` (derived data: safe to delete)."""
    if old is None:
        return "first edition"
    stored = cache / f"{e.id}--{old.id}.txt" if cache is not None else None
    if stored is not None and stored.is_file():
        return stored.read_text(encoding="utf-8")
    moved, data_rows = changes(old, e.values(), e.folder / "data")
    text = _change_summary(moved, data_rows, _params_changed(old.manifest, e.manifest))
    if stored is not None:
        stored.parent.mkdir(parents=True, exist_ok=True)
        stored.write_text(text, encoding="utf-8")
    return text


def editions_page(manifest: dict, changed: tuple[pd.DataFrame, pd.DataFrame],
                  base, published: list, summaries: Path | None = None) -> str:
    """The "Editions" page: every published edition of the public scenario, newest first,
    with its dates, scenario and what changed, each linked at its own address.

    ``published`` are the earlier editions' records (:class:`Edition`); ``manifest`` and
    ``changed`` describe the edition being built (listed when it is of the public scenario).
    Past editions' changes are worked out from their records, as their pages did."""
    from batteryreport.build.dataset import dataset_name

    rows: list[tuple[dict, str, bool, bool]] = []  # manifest, changes, has site, has zip
    by_id = {e.id: e for e in published}
    for e in published:
        if e.id == manifest["edition_id"] or e.manifest.get("scenario") != PUBLIC_SCENARIO:
            continue
        text = _past_summary(e, by_id.get(e.manifest.get("base_edition") or ""), summaries)
        rows.append((e.manifest, text, (e.folder / "site").is_dir(),
                     (e.folder / dataset_name(e.manifest)).is_file()))
    if manifest["scenario"] == PUBLIC_SCENARIO:
        text = (_change_summary(*changed, _params_changed(base.manifest, manifest))
                if base is not None else "first edition")
        rows.append((manifest, text, True, True))
    rows.sort(key=lambda r: -int(r[0]["edition_number"]))

    lines = ["# Editions", "",
             "The report is rebuilt from its data whenever a figure changes, and each build "
             "that changes a number or a source row is a new edition. Every edition stays "
             "readable, unchanged, at its own address (`editions/<number>/`: its pages, briefs "
             "and data), so a figure quoted from an edition can always be found again; the "
             "newest is also the report's home page.", ""]
    if manifest["scenario"] != PUBLIC_SCENARIO:
        lines += [f"This build is the scenario **{_cell(manifest['scenario'])}**, which is not "
                  "published: the public site shows the editions of the scenario "
                  f"{_cell(PUBLIC_SCENARIO)} only.", ""]
    if not rows:
        return "\n".join(lines + ["No edition has been published yet.", ""])
    # One raw HTML block (no blank line inside): the links lead outside this site, where
    # Sphinx cannot check them; publishing checks every link of the public folder instead.
    out = ['<table class="table br-editions">',
           "<thead><tr><th>Edition</th><th>Built</th><th>Data as of</th><th>Scenario</th>"
           "<th>What changed</th><th>Data</th></tr></thead>", "<tbody>"]
    for m, text, has_site, has_zip in rows:
        n = int(m["edition_number"])
        here = TO_SITE_ROOT + edition_folder(n)
        name = f"Edition {n}"
        cells = [_public_link(here + "index.html", name) if has_site else html.escape(name),
                 html.escape(_day(m.get("built_on"), "")),
                 html.escape(_day(m.get("as_of"), "the latest observation")),
                 html.escape(str(m.get("scenario", ""))),
                 html.escape(text) + (
                     " (" + _public_link(here + GENERATED_DIR + "/what_changed.html", "details")
                     + ")" if has_site else ""),
                 _public_link(here + dataset_name(m), "zip") if has_zip else ""]
        out.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    out += ["</tbody>", "</table>", ""]
    return "\n".join(lines + out)


def _params_changed(old: dict, new: dict) -> list[str]:
    a, b = old.get("parameters", {}), new.get("parameters", {})
    return sorted(k for k in set(a) | set(b) if a.get(k) != b.get(k))


def write_edition_pages(folder: Path, manifest: dict, base, values: dict,
                        data_folder: Path, published: list = (),
                        summaries: Path | None = None) -> None:
    """The edition's banner, "About this edition", "What changed" and "Editions" pages
    (``published``: the records of the editions published before this build; ``summaries``:
    a cache folder for past editions' one-line summaries)."""
    changed = changes(base, values, data_folder)
    write_if_changed(folder / "edition_banner.md", edition_banner(manifest))
    from batteryreport.build.dataset import dataset_name

    dataset = folder / "data" / dataset_name(manifest)  # by write_generated_pages
    write_if_changed(folder / "about_edition.md",
                     about_edition_page(manifest, dataset if dataset.is_file() else None))
    text, rows = what_changed_page(manifest, base, values, data_folder, changed)
    write_if_changed(folder / DIFF_CSV, rows.to_csv(index=False))
    write_if_changed(folder / "what_changed.md", text)
    write_if_changed(folder / "editions.md", editions_page(manifest, changed, base,
                                                          list(published), summaries))


CITATION_FILE = "CITATION.cff"


def _bibtex_value(text: object) -> str:
    """One line with no brace, backslash or backtick (inside a BibTeX value in a code block)."""
    return re.sub(r"[{}\\`]", "", one_line(text))


def citation_section(cff: Path, manifest: dict) -> str:
    """ "Cite this report", from the repository's CITATION.cff and this edition."""
    lines = ["## Cite this report", ""]
    if not cff.is_file():
        return "\n".join(lines + [f"This book has no `{CITATION_FILE}`.", ""])
    meta = yaml.safe_load(cff.read_text(encoding="utf-8")) or {}
    authors = "; ".join(one_line(a.get("name") or " ".join(
        str(a.get(k, "")) for k in ("given-names", "family-names")).strip())
        for a in meta.get("authors") or [] if isinstance(a, dict))
    title = one_line(meta.get("title", ""))
    version = one_line(meta.get("version", ""))
    released = str(meta.get("date-released", ""))
    year = released[:4]
    licences = meta.get("license") or []
    licences = [licences] if isinstance(licences, str) else list(licences)
    edition = (f"edition {manifest['edition_number']} "
               f"({_day(manifest.get('built_on'), '')})")
    url = web_url(meta.get("url")) or web_url(meta.get("repository-code"))
    text = (f"{_cell(authors)} ({_cell(year)}). *{_cell(title)}*, version {_cell(version)}, "
            f"{_cell(edition)}.")
    if url:
        text += f" <{_url_dest(url)}>"
    lines += [text, "",
              "The same as BibTeX:", "",
              "```bibtex",
              f"@techreport{{indias_battery_gap_{_bibtex_value(year)},",
              f"  author      = {{{{{_bibtex_value(authors)}}}}},",
              f"  title       = {{{_bibtex_value(title)}}},",
              f"  year        = {{{_bibtex_value(year)}}},",
              f"  institution = {{{{{_bibtex_value(authors)}}}}},",
              f"  note        = {{Version {_bibtex_value(version)}, "
              f"{_bibtex_value(edition)}}},"]
    if url:
        lines.append(f"  url         = {{{_bibtex_value(url)}}},")
    lines += ["}", "```", "",
              f"Both come from `{CITATION_FILE}` at the root of the repository (the "
              "Citation File Format, which GitHub and reference managers read), and from the "
              "edition you are reading. Licence identifiers in the file: "
              + (", ".join(_cell(x) for x in licences) or "none") + ".", ""]
    return "\n".join(lines)


def write_citation(folder: Path, cff: Path, manifest: dict) -> None:
    write_if_changed(folder / "citation.md", citation_section(cff, manifest))
