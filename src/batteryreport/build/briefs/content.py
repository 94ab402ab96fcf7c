"""What each brief says: the glued values it shows (key numbers, details, the lede and the
recommendations), cut into the parts the templates set, its charts and its numbered
sources. Nothing is recomputed or reformatted: every number is the text the website shows.

A brief's content is gathered whole (:func:`_brief_job`, :func:`_summary_job`) and then cut
to a size by a :class:`~batteryreport.build.briefs.typeset.Cut` (:func:`shape_brief`,
:func:`shape_summary`): fewer detail rows, a shorter sources list ("and N more sources on
the website"), recommendations cut to their leading whole sentences. Type is never shrunk."""

from __future__ import annotations

import datetime as dt
import fnmatch
import re
from pathlib import Path
from typing import Any

from batteryreport.build.briefs.spec import BriefSpec, SummarySpec
from batteryreport.build.briefs.typeset import (
    BRIEF_CUTS,
    MAX_PAGES_BRIEF,
    MAX_PAGES_SUMMARY,
    SUMMARY_CUTS,
    Cut,
    _Job,
    output_name,
)
from batteryreport.core.errors import Problem
from batteryreport.present.text import one_line, web_url

REPORT_TITLE = "India's battery gap"


def _full_key(ref: str, notebook: str) -> str:
    return ref if "::" in ref else f"{notebook}::{ref}"


_ACRONYMS = {"gwh": "GWh", "mwh": "MWh", "kwh": "kWh", "inr": "INR", "usd": "USD", "pli": "PLI",
             "acc": "ACC", "fx": "FX", "ev": "EV", "evs": "EVs", "kt": "kt", "cr": "crore"}


_NUMBER = re.compile(r"^(?P<pre>[^\d]*?)(?P<num>\d(?:[\d,.\u2013-]*\d)?)(?P<suf>.*)$", re.S)


def number_parts(text: str) -> dict[str, str]:
    """A display text cut for typesetting, never changed: "₹860–3,500 crore" ->
    big "₹860–3,500" and small " crore" (a unit joined without a space, "2.5%", stays big)."""
    m = _NUMBER.match(text)
    if not m or not m.group("suf").startswith(" "):
        return {"big": text, "small": ""}
    return {"big": m.group("pre") + m.group("num"), "small": m.group("suf")}


def label_of(rec: dict[str, Any]) -> str:
    """The glued label; a label left at its key is made readable ("total_gwh" -> "Total GWh")."""
    label = str(rec.get("label") or "").strip()
    key = str(rec.get("key") or "")
    if label and label != key:
        return label
    words = [_ACRONYMS.get(w.lower(), w) for w in re.split(r"[_\s]+", key) if w]
    text = " ".join(words)
    return text[:1].upper() + text[1:] if text else key


_INLINE = re.compile(r"\*\*(?P<b>.+?)\*\*|\[(?P<lt>[^\]]+)\]\((?P<lu>[^)\s]+)\)"
                     r"|(?<![\w*])\*(?P<i>[^*]+?)\*(?!\w)|(?<!\w)_(?P<i2>[^_]+?)_(?!\w)"
                     r"|`(?P<c>[^`]+)`")


def segments(text: str) -> list[dict[str, Any]]:
    """Inline markdown (bold, italic, links, code) as plain-text segments for the template."""
    out: list[dict[str, Any]] = []
    pos = 0
    for m in _INLINE.finditer(text):
        if m.start() > pos:
            out.append({"t": text[pos:m.start()]})
        if m.group("b") is not None:
            out.append({"t": m.group("b"), "b": True})
        elif m.group("lt") is not None:
            url = web_url(m.group("lu"))  # only http(s) addresses become links
            out.append({"t": m.group("lt"), "url": url} if url else {"t": m.group(0)})
        elif m.group("i") is not None or m.group("i2") is not None:
            out.append({"t": m.group("i") or m.group("i2"), "i": True})
        else:
            out.append({"t": m.group("c")})
        pos = m.end()
    if pos < len(text):
        out.append({"t": text[pos:]})
    return out


_ITEM = re.compile(r"^\s*(?:[-*•]|\d+[.)])\s+")


def recommendation_items(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """One glued recommendation value as list items (a bulleted text gives several)."""
    text = str(rec.get("text") or "").strip()
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    if any(_ITEM.match(ln) for ln in lines):
        groups: list[list[str]] = []
        for ln in lines:
            if _ITEM.match(ln) or not groups:
                groups.append([_ITEM.sub("", ln)])
            else:
                groups[-1].append(ln)  # a continuation of the item above
        items = [" ".join(g) for g in groups]
    else:
        items = [" ".join(lines)]
    label = str(rec.get("label") or "").strip()
    lead = short_lead(label) if label and label != rec.get("key") else None
    return [{"lead": lead if i == 0 else None, "text": t, "segments": segments(t)}
            for i, t in enumerate(items) if t]


def short_lead(label: str | None) -> str | None:
    """A recommendation's lead-in without the word the list's heading already says:
    "Recommendation: re-tender stalled awards" -> "Re-tender stalled awards"."""
    if not label:
        return label
    text = re.sub(r"^\s*recommendation\s*[:\u2013\u2014-]\s*", "", label, flags=re.I).strip()
    text = text or label.strip()
    return text[:1].upper() + text[1:]


# A sentence ends at ".", "!" or "?" (maybe closed by a quote or bracket) followed by a
# space and a capital, a digit, a quote or a currency sign; not after an abbreviation.
_SENTENCE_END = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]?\s+(?=[A-Z0-9\"'\u201c\u2018(\u20b9$])")
_ABBREVIATIONS = ("Rs.", "No.", "e.g.", "i.e.", "vs.", "approx.", "Dr.", "Mr.", "Ms.", "St.",
                  "Ltd.", "Co.", "Inc.", "etc.", "Fig.", "cf.", "U.S.", "U.K.")


def sentences(text: str) -> list[str]:
    """The whole sentences of a text, in order (joined again with spaces they give the
    text with its whitespace made single)."""
    text = " ".join(text.split())
    out: list[str] = []
    pos = 0
    for m in _SENTENCE_END.finditer(text):
        piece = text[pos:m.start()]
        if piece.endswith(_ABBREVIATIONS) or not piece.strip():
            continue
        out.append(text[pos:m.start()].strip() + text[m.start():m.end()].rstrip())
        pos = m.end()
    if text[pos:].strip():
        out.append(text[pos:].strip())
    # a closing quote or bracket stays with its sentence; the space between them does not
    return [s.strip() for s in out]


_COLON = re.compile(r":\s")
_OPEN_ENDINGS = ("is", "are", "was", "were", "be", "include", "includes", "including",
                 "following", "as", "namely", "such as", "to", "of", "and", "or", "the")


def main_clause(sentence: str) -> str | None:
    """A recommendation's sentence without the evidence after its colon ("Publish dated
    figures: capacity is known only from company claims." -> "Publish dated figures."),
    when the part before the colon stands as a sentence of its own (at least five words, not
    ending in an open word like "are" or "the"); None otherwise."""
    m = _COLON.search(sentence)
    if m is None:
        return None
    head = sentence[:m.start()].rstrip()
    words = head.split()
    if len(words) < 5 or head.lower().endswith(_OPEN_ENDINGS) or head.count("(") != head.count(")"):
        return None
    return head + "."


def first_sentences(text: str, budget: int | None) -> str:
    """The text, or, when it is longer than ``budget`` characters, its leading whole
    sentences that fit the budget; when even the first sentence does not, that sentence
    without the evidence after its colon (:func:`main_clause`), else the first sentence
    whole. A cut that never leaves a sentence unfinished."""
    flat = " ".join(text.split())
    if budget is None or len(flat) <= budget:
        return flat
    parts = sentences(flat)
    if not parts:
        return flat
    if len(parts[0]) > budget:
        return main_clause(parts[0]) or parts[0]
    kept = parts[:1]
    for part in parts[1:]:
        if len(" ".join([*kept, part])) > budget:
            break
        kept.append(part)
    return " ".join(kept)


def _joined(items: list[str]) -> str:
    """A recommendation's items as one paragraph ("a. b."; "a; b" for items without a
    closing stop)."""
    out = ""
    for item in items:
        item = " ".join(item.split())
        out = item if not out else out + (" " if out.endswith((".", "!", "?")) else "; ") + item
    return out


def first_items(items: list[str], budget: int | None) -> str:
    """A recommendation of one or more items, cut to ``budget`` characters: its leading
    whole items that fit, else the first item cut by :func:`first_sentences`."""
    whole = _joined(items)
    if budget is None or len(whole) <= budget:
        return whole
    kept = items[:1]
    for item in items[1:]:
        if len(_joined([*kept, item])) > budget:
            break
        kept.append(item)
    return _joined(kept) if len(kept) > 1 else first_sentences(items[0], budget)


def source_rows(register: Any, ids: list[str]) -> dict[str, dict[str, str]]:
    """What a source list prints for each source id: publisher, title, date, address."""
    from batteryreport.present.fmt import date

    rows: dict[str, dict[str, str]] = {}
    for sid in ids:
        if sid in rows:
            continue
        if sid in register.index:
            row = register.loc[sid]
            published = row.get("date_published")
            url = _s(row.get("url"))
            rows[sid] = {"id": sid, "publisher": _s(row.get("publisher")),
                         "title": _s(row.get("title")), "url": web_url(url) or url,
                         "date": "" if _s(published) == "" else date(published)}
        else:
            rows[sid] = {"id": sid, "publisher": sid, "url": "", "date": "",
                         "title": "(not in the source register)"}
    return rows


def ref_text(ns: list[int]) -> str:
    """Source numbers as a reader scans them: [1, 2, 3, 4, 9] -> "[1–4] [9]"."""
    out, run = [], []
    for n in sorted(set(ns)):
        if run and n == run[-1] + 1:
            run.append(n)
            continue
        if run:
            out.append(run)
        run = [n]
    if run:
        out.append(run)
    return " ".join(f"[{r[0]}]" if len(r) == 1 else f"[{r[0]}\u2013{r[-1]}]" if len(r) > 2
                    else f"[{r[0]}] [{r[1]}]" for r in out)


class Sources:
    """Numbers the source ids of the values shown, in order of first appearance."""

    def __init__(self, rows: dict[str, dict[str, str]]):
        self.rows = rows
        self.order: list[str] = []

    def refs(self, ids: list[str]) -> list[int]:
        out = []
        for sid in ids:
            if sid not in self.order:
                self.order.append(sid)
            out.append(self.order.index(sid) + 1)
        return sorted(set(out))

    def listing(self, keep: int | None = None) -> tuple[list[dict[str, Any]], dict | None]:
        """The first ``keep`` sources (all when None), and what is left out: how many, and
        the first and last of their numbers, for "and N more sources on the website"."""
        rows = [dict(self.rows[sid], n=n) for n, sid in enumerate(self.order, start=1)]
        if keep is None or len(rows) <= keep:
            return rows, None
        rest = rows[keep:]
        return rows[:keep], {"count": len(rest), "first": rest[0]["n"], "last": rest[-1]["n"]}


def _s(value: Any) -> str:
    """Data text for a PDF line: missing values are "", line breaks become spaces."""
    return one_line(value)


_FIELDS = {"key number": "key_numbers", "detail": "details", "recommendation": "recommendations",
           "lede": "lede"}


def _lookup(glued: dict[str, dict[str, Any]], ref: str, notebook: str, what: str,
            problems: list[Problem], source: Path) -> dict[str, Any] | None:
    key = _full_key(ref, notebook)
    rec = glued.get(key)
    if rec is None:
        nb = key.partition("::")[0]
        have = sorted(k.partition("::")[2] for k in glued if k.startswith(nb + "::"))
        problems.append(Problem(str(source), "brief-missing-value",
                                f"{what} {ref!r}: notebook {nb!r} glued no value {key!r}"
                                f" (it glued: {', '.join(have) or 'nothing'})",
                                column=f"brief.{_FIELDS[what]}"))
    return rec


def _lookup_figure(figures: dict[str, dict[str, Any]], ref: str, notebook: str,
                   problems: list[Problem], source: Path, rule: str, column: str
                   ) -> dict[str, Any] | None:
    """The chart ``ref`` (``name`` or ``notebook::name``) a notebook displayed; a problem
    naming the charts it did display if there is none."""
    nb, _, name = ref.rpartition("::")
    nb = nb or notebook
    rec = figures.get(nb, {}).get(name)
    if rec is None:
        have = ", ".join(sorted(figures.get(nb, {}))) or "none"
        problems.append(Problem(str(source), rule, f"figure {ref!r}: notebook {nb!r} displayed "
                                f"no chart named {name!r} (its charts: {have})", column=column))
    return rec


def _report_title(root: Path) -> str:
    import yaml

    try:
        cfg = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8")) or {}
        return str(cfg.get("title") or REPORT_TITLE)
    except (OSError, yaml.YAMLError):
        return REPORT_TITLE


def online_address(root: Path, manifest: dict[str, Any]) -> str | None:
    """Where the brief can be read online: its edition's own address on the public site
    (``editions/<number>/``, kept unchanged) for the published scenario, the report's home
    for a scenario run (not published); None when no public address is configured."""
    from batteryreport.build.address import PUBLIC_SCENARIO, edition_folder, public_url

    base = public_url(root)
    if base is None or manifest["scenario"] != PUBLIC_SCENARIO:
        return base
    return base + edition_folder(int(manifest["edition_number"]))


def _common(layout: Any, params: Any, manifest: dict[str, Any]) -> dict[str, Any]:
    from batteryreport.present.fmt import date

    built = dt.datetime.combine(dt.date.fromisoformat(manifest["built_on"]), dt.time(),
                                tzinfo=dt.UTC)
    report = _report_title(layout.root)
    edition = f"Edition {manifest['edition_number']}, {date(manifest['built_on'])}"
    return {"report": report, "manifest": manifest, "edition": edition,
            "edition_of": f"edition {manifest['edition_number']} of {date(manifest['built_on'])}",
            "scenario": None if params.scenario == "default" else params.scenario,
            "timestamp": int(built.timestamp()),
            "address": online_address(Path(layout.root), manifest)}


def _as_of(glued: dict[str, dict[str, Any]], notebook: str, manifest: dict[str, Any]) -> str:
    for key in (f"{notebook}::as_of", "pli_delays::as_of"):
        if key in glued and glued[key].get("text"):
            return str(glued[key]["text"])
    return str(manifest.get("as_of") or "the latest observation")


def _page_furniture(common: dict[str, Any], kind: str, as_of: str) -> dict[str, Any]:
    """Header and footer, for a reader: the report, the edition and its date, the data's
    date, the page, and where to read it online (no file names, no internal ids)."""
    return {"kind_label": kind, "report": common["report"], "scenario": common["scenario"],
            "header_right": f"Data as of {as_of}",
            "footer_left": f"{common['report']} · {common['edition']}",
            "address": common["address"]}


def _about(common: dict[str, Any]) -> str:
    where = ("the report's website" if not common["address"]
             else f"the report's website, {common['address']}")
    return (f"About this brief. Part of “{common['report']}”, {common['edition_of']}. "
            f"Every number in it is the one {where} shows for this edition, computed from the "
            "sourced tables of the report's open data package. The website's chapter has the "
            "full argument, the data behind each chart and the assumptions you can change.")


def _brief_job(b: BriefSpec, glued: dict[str, dict[str, Any]],
               figures: dict[str, dict[str, dict[str, Any]]], register: Any,
               common: dict[str, Any], problems: list[Problem]) -> tuple[_Job, dict[str, Any]]:
    """The brief's whole content (sources by id); :func:`shape_brief` cuts it to a size."""
    numbers, details = [], []
    for ref in b.key_numbers:
        rec = _lookup(glued, ref, b.notebook, "key number", problems, b.source)
        if rec:
            numbers.append({"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                            **number_parts(str(rec["text"])), "label": label_of(rec),
                            "sources": list(rec.get("sources") or [])})
    for ref in b.details:
        rec = _lookup(glued, ref, b.notebook, "detail", problems, b.source)
        if rec:
            details.append({"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                            "label": label_of(rec), "sources": list(rec.get("sources") or [])})
    recs, rec_sources = [], []
    for ref in b.recommendations:
        rec = _lookup(glued, ref, b.notebook, "recommendation", problems, b.source)
        if rec:
            rec_sources += list(rec.get("sources") or [])
            recs += recommendation_items(rec)
    lede, lede_sources = None, []
    if b.lede:
        rec = _lookup(glued, b.lede, b.notebook, "lede", problems, b.source)
        if rec:
            lede_sources = list(rec.get("sources") or [])
            lede = segments(str(rec["text"]))
    figs = [rec for ref in b.figures
            for rec in [_lookup_figure(figures, ref, b.notebook, problems, b.source,
                                       "brief-missing-figure", "brief.figures")] if rec]
    manifest = common["manifest"]
    name = output_name(b.notebook, common["scenario"] or "default")
    ids = [s for x in numbers + details for s in x["sources"]] + rec_sources + lede_sources
    data = {
        **_page_furniture(common, "Policy brief", _as_of(glued, b.notebook, manifest)),
        "title": b.title, "lede": lede, "numbers": numbers, "details": details,
        "recommendations": recs, "rec_sources": rec_sources, "lede_sources": lede_sources,
        "source_rows": source_rows(register, ids),
        "table_note": "Each value is the one the report's website shows for this edition; "
                      "numbers in brackets point to the sources below.",
        "about": _about(common),
    }
    summary = {"file": name, "title": b.title, "notebook": b.notebook,
               "numbers": [dict(n) for n in numbers[:b.summary_numbers]],
               "recommendations": list(b.recommendations), "figures": figs}
    return _Job(name, "brief.typ", data, MAX_PAGES_BRIEF, figs, common["timestamp"],
                cuts=BRIEF_CUTS, shape=shape_brief), summary


def _more_note(more: dict[str, Any] | None, address: str | None) -> dict[str, str] | None:
    """ "… and 5 more sources ([12]–[16]) on the website" for a list cut to fit, with the
    website's address (a link) when one is set."""
    if more is None:
        return None
    n = more["count"]
    span = (f"[{more['first']}]" if more["first"] == more["last"]
            else f"[{more['first']}]–[{more['last']}]")
    where = "on the website: " if address else "on the report's website"
    return {"text": f"… and {n} more source{'s' if n != 1 else ''} ({span}) {where}",
            "url": address or ""}


def _with_refs(value: dict[str, Any], src: Sources) -> dict[str, Any]:
    refs = src.refs(value["sources"])
    return dict(value, refs=refs, ref_text=ref_text(refs))


def shape_brief(data: dict[str, Any], cut: Cut) -> dict[str, Any]:
    """The brief's content cut to ``cut``: its detail rows and its sources list (the rest
    counted, "and N more sources on the website"); sources numbered as they appear."""
    src = Sources(data["source_rows"])
    details = data["details"] if cut.details is None else data["details"][:cut.details]
    numbers = [_with_refs(n, src) for n in data["numbers"]]
    table = numbers + [_with_refs(d, src) for d in details]
    src.refs(data["rec_sources"])
    src.refs(data["lede_sources"])
    listing, more = src.listing(cut.sources)
    out = {k: v for k, v in data.items()
           if k not in ("details", "source_rows", "rec_sources", "lede_sources")}
    return dict(out, numbers=numbers, table=table, sources=listing,
                sources_more=_more_note(more, data["address"]),
                about=data["about"] if cut.about else None,
                details_cut=len(data["details"]) - len(details))


_WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine", "Ten"]


def _count(n: int, noun: str) -> str:
    word = _WORDS[n] if n < len(_WORDS) else str(n)
    return f"{word} {noun}{'s' if n != 1 else ''}"


def _expand(ref: str, notebook: str, glued: dict[str, dict[str, Any]]) -> list[str]:
    """A reference, or a pattern (``rec_*``), as the full keys it names, in glued order."""
    key = _full_key(ref, notebook)
    if not any(c in key for c in "*?["):
        return [key] if key in glued else []
    return [k for k in glued if fnmatch.fnmatchcase(k, key)]


def _summary_job(briefs: list[dict[str, Any]], spec: SummarySpec | None,
                 glued: dict[str, dict[str, Any]],
                 figures: dict[str, dict[str, dict[str, Any]]], register: Any,
                 common: dict[str, Any], problems: list[Problem]) -> _Job:
    """The summary's whole content: each brief's first key numbers, every recommendation
    the summary declares (else the briefs'), and one chart."""
    if spec is not None:
        keys = []
        for ref in spec.recommendations:
            found = _expand(ref, spec.notebook, glued)
            if not found:
                problems.append(Problem(str(spec.source), "summary-missing-value",
                                        f"recommendation {ref!r}: no glued value matches",
                                        column="summary.recommendations"))
            keys += [k for k in found if k not in keys]
    else:
        keys = list(dict.fromkeys(_full_key(r, b["notebook"]) for b in briefs
                                  for r in b["recommendations"]))
    recs = []
    for key in keys:
        rec = glued.get(key)
        if rec is None:
            continue  # a brief's own reference that does not resolve is reported there
        items = recommendation_items(rec)
        if items:
            recs.append({"key": key, "lead": items[0]["lead"],
                         "items": [i["text"] for i in items],
                         "sources": list(rec.get("sources") or [])})
    figure = None
    if spec is not None and spec.figure:
        figure = _lookup_figure(figures, spec.figure, spec.notebook, problems, spec.source,
                                "summary-missing-figure", "summary.figure")
    elif briefs and briefs[0]["figures"]:
        figure = briefs[0]["figures"][0]
    lede, lede_sources = (f"{_count(len(briefs), 'chapter')} and "
                          f"{_count(len(recs), 'recommendation').lower()} on one page."), []
    if spec is not None and spec.lede:
        rec = glued.get(_full_key(spec.lede, spec.notebook))
        if rec is None:
            problems.append(Problem(str(spec.source), "summary-missing-value",
                                    f"lede {spec.lede!r}: no such glued value",
                                    column="summary.lede"))
        else:
            text = " ".join(str(rec["text"]).split())
            lede = text if text.endswith((".", "!", "?")) else text + "."
            lede_sources = list(rec.get("sources") or [])
    manifest = common["manifest"]
    name = output_name("summary", common["scenario"] or "default")
    chapters = [{"index": i, "title": b["title"], "numbers": b["numbers"]}
                for i, b in enumerate(briefs, start=1)]
    ids = ([s for c in chapters for n in c["numbers"] for s in n["sources"]]
           + [s for r in recs for s in r["sources"]] + lede_sources)
    data = {
        **_page_furniture(common, "Summary", _as_of(glued, "", manifest)),
        "title": f"{common['report']}: the report on one page",
        "lede": segments(lede), "lede_sources": lede_sources,
        "chapters": chapters, "recommendations": recs, "source_rows": source_rows(register, ids),
    }
    return _Job(name, "summary.typ", data, MAX_PAGES_SUMMARY, [figure] if figure else [],
                common["timestamp"], cuts=SUMMARY_CUTS, shape=shape_summary)


def shape_summary(data: dict[str, Any], cut: Cut) -> dict[str, Any]:
    """The summary cut to ``cut``: a recommendation longer than ``cut.rec_chars`` keeps its
    leading whole sentences, and the sources list is shortened."""
    src = Sources(data["source_rows"])
    chapters = [dict(c, numbers=[_with_refs(n, src) for n in c["numbers"]])
                for c in data["chapters"]]
    recs = []
    for i, r in enumerate(data["recommendations"], start=1):
        src.refs(r["sources"])
        whole = _joined(r["items"])
        text = first_items(r["items"], cut.rec_chars)
        recs.append({"n": i, "lead": r["lead"], "segments": segments(text),
                     "cut": text != whole})
    src.refs(data["lede_sources"])
    listing, more = src.listing(cut.sources)
    out = {k: v for k, v in data.items() if k not in ("source_rows", "lede_sources")}
    return dict(out, chapters=chapters, recommendations=recs, sources=listing,
                sources_more=_more_note(more, data["address"]))
