"""What each brief says: the glued values it shows (key numbers, details, the lede and the
recommendations), cut into the parts the templates set, its charts and its numbered
sources. Nothing is recomputed or reformatted: every number is the text the website shows."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

from batteryreport.build.briefs.spec import BriefSpec
from batteryreport.build.briefs.typeset import MAX_PAGES_BRIEF, MAX_PAGES_SUMMARY, _Job, output_name
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
    lead = label if label and label != rec.get("key") else None
    return [{"lead": lead if i == 0 else None, "segments": segments(t)}
            for i, t in enumerate(items) if t]


class Sources:
    """Numbers the source ids of the values shown, in order of first appearance."""

    def __init__(self, register: Any):
        self.register = register
        self.order: list[str] = []

    def refs(self, ids: list[str]) -> list[int]:
        out = []
        for sid in ids:
            if sid not in self.order:
                self.order.append(sid)
            out.append(self.order.index(sid) + 1)
        return sorted(set(out))

    def listing(self) -> list[dict[str, Any]]:
        from batteryreport.present.fmt import date

        rows = []
        for n, sid in enumerate(self.order, start=1):
            if sid in self.register.index:
                row = self.register.loc[sid]
                published = row.get("date_published")
                url = _s(row.get("url"))
                rows.append({"n": n, "id": sid, "publisher": _s(row.get("publisher")),
                             "title": _s(row.get("title")), "url": web_url(url) or url,
                             "date": "" if _s(published) == "" else date(published)})
            else:
                rows.append({"n": n, "id": sid, "publisher": sid, "url": "", "date": "",
                             "title": "(not in the source register)"})
        return rows


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
    from batteryreport.build.address import public_url
    from batteryreport.build.pages import PUBLIC_SCENARIO, edition_folder

    base = public_url(root)
    if base is None or manifest["scenario"] != PUBLIC_SCENARIO:
        return base
    return base + edition_folder(int(manifest["edition_number"]))


def _common(layout: Any, params: Any, manifest: dict[str, Any]) -> dict[str, Any]:
    edition = f"Edition {manifest['edition_number']} ({manifest['built_on']})"
    built = dt.datetime.combine(dt.date.fromisoformat(manifest["built_on"]), dt.time(),
                                tzinfo=dt.UTC)
    return {"report": _report_title(layout.root), "manifest": manifest, "edition": edition,
            "scenario": None if params.scenario == "default" else params.scenario,
            "timestamp": int(built.timestamp()),
            "address": online_address(Path(layout.root), manifest)}


def _as_of(glued: dict[str, dict[str, Any]], notebook: str, manifest: dict[str, Any]) -> str:
    for key in (f"{notebook}::as_of", "pli_delays::as_of"):
        if key in glued and glued[key].get("text"):
            return str(glued[key]["text"])
    return str(manifest.get("as_of") or "the latest observation")


def _brief_job(b: BriefSpec, glued: dict[str, dict[str, Any]],
               figures: dict[str, dict[str, dict[str, Any]]], register: Any,
               common: dict[str, Any], problems: list[Problem]) -> tuple[_Job, dict[str, Any]]:
    src = Sources(register)
    numbers, table = [], []
    for ref in b.key_numbers:
        rec = _lookup(glued, ref, b.notebook, "key number", problems, b.source)
        if rec:
            n = {"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                 **number_parts(str(rec["text"])),
                 "label": label_of(rec), "refs": src.refs(list(rec.get("sources") or []))}
            numbers.append(n)
            table.append(n)
    for ref in b.details:
        rec = _lookup(glued, ref, b.notebook, "detail", problems, b.source)
        if rec:
            table.append({"key": _full_key(ref, b.notebook), "text": str(rec["text"]),
                          "label": label_of(rec),
                          "refs": src.refs(list(rec.get("sources") or []))})
    recs = []
    for ref in b.recommendations:
        rec = _lookup(glued, ref, b.notebook, "recommendation", problems, b.source)
        if rec:
            src.refs(list(rec.get("sources") or []))
            recs += recommendation_items(rec)
    lede = None
    if b.lede:
        rec = _lookup(glued, b.lede, b.notebook, "lede", problems, b.source)
        if rec:
            src.refs(list(rec.get("sources") or []))
            lede = segments(str(rec["text"]))
    figs = []
    for ref in b.figures:
        nb, _, name = ref.rpartition("::")
        nb = nb or b.notebook
        rec = figures.get(nb, {}).get(name)
        if rec is None:
            have = ", ".join(sorted(figures.get(nb, {}))) or "none"
            problems.append(Problem(str(b.source), "brief-missing-figure",
                                    f"figure {ref!r}: notebook {nb!r} displayed no chart named "
                                    f"{name!r} (its charts: {have})", column="brief.figures"))
        else:
            figs.append(rec)
    manifest = common["manifest"]
    name = output_name(b.notebook, common["scenario"] or "default")
    data = {
        "kind_label": "Policy brief", "report": common["report"], "title": b.title,
        "scenario": common["scenario"], "lede": lede, "numbers": numbers, "table": table,
        "recommendations": recs, "sources": src.listing(),
        "edition_line": f"{common['edition']} · data as of {_as_of(glued, b.notebook, manifest)}",
        "table_note": "Each value is the one the report's website shows for this edition; "
                      "numbers in brackets point to the sources below.",
        "footer_note": f"{name} · edition {manifest['edition_id']} · every number is glued "
                       f"by the notebook “{b.notebook}”, as on the website",
        "address": common["address"],
        "about": f"About this brief. Generated from the executed notebook “{b.notebook}” of "
                 f"edition {manifest['edition_id']} (built {manifest['built_on']} from commit "
                 f"{manifest.get('git_commit', 'unknown')}), the same run that builds the "
                 "report's website: every number above is the text the website shows, computed "
                 "once from the sourced tables of the report's data package. The website's "
                 "chapter has the full argument and the data behind each chart.",
    }
    summary = {"file": name, "title": b.title, "notebook": b.notebook,
               "numbers": [dict(n) for n in numbers[:b.summary_numbers]],
               "more": [dict(n) for n in numbers[b.summary_numbers:]],
               "recommendations": recs,
               "sources": [s for r in b.recommendations
                           for s in (glued.get(_full_key(r, b.notebook)) or {}).get("sources", [])]}
    return _Job(name, "brief.typ", data, MAX_PAGES_BRIEF, figs, common["timestamp"]), summary


_WORDS = ["No", "One", "Two", "Three", "Four", "Five", "Six", "Seven", "Eight", "Nine"]


def _summary_job(briefs: list[dict[str, Any]], glued: dict[str, dict[str, Any]], register: Any,
                 common: dict[str, Any]) -> _Job:
    src = Sources(register)
    for b in briefs:
        for n in b["numbers"]:
            n["refs"] = src.refs(list(glued[n["key"]].get("sources") or []))
        src.refs(b.pop("sources"))
    manifest = common["manifest"]
    name = output_name("summary", common["scenario"] or "default")
    for i, b in enumerate(briefs, start=1):
        b["index"] = i
    count = _WORDS[len(briefs)] if len(briefs) < len(_WORDS) else str(len(briefs))
    data = {
        "kind_label": "Summary", "report": common["report"], "scenario": common["scenario"],
        "title": f"{common['report']}: the briefs on one page",
        "lede": f"{count} brief{'s' if len(briefs) != 1 else ''}, one page. Each number is the "
                "one the report's website shows for this edition; the full briefs add the "
                "charts, more numbers and the sources of each.",
        "briefs": briefs, "sources": src.listing(),
        "edition_line": f"{common['edition']} · data as of {_as_of(glued, '', manifest)}",
        "footer_note": f"{name} · edition {manifest['edition_id']} · full briefs: "
                       + ", ".join(b["file"] for b in briefs),
        "address": common["address"],
    }
    return _Job(name, "summary.typ", data, MAX_PAGES_SUMMARY, timestamp=common["timestamp"])
