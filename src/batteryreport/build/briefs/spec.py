"""What a brief declares: the ``batteryreport.brief`` block of a chapter notebook's front
matter, checked (every problem at once) into a :class:`BriefSpec`; and what the one-page
summary carries, the ``batteryreport.summary`` block of at most one notebook, checked into a
:class:`SummarySpec`."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from batteryreport.build.notebooks import discover, read_notebook
from batteryreport.core.errors import InputError, Problem

BRIEF_KEYS = {"title", "key_numbers", "figures", "recommendations", "lede", "details",
              "summary_numbers"}
SUMMARY_KEYS = {"recommendations", "figure", "lede"}
KEY_NUMBERS = (3, 5)
FIGURES = (1, 2)
MAX_DETAILS = 8


class BriefError(InputError):
    """A brief that cannot be made: bad front matter, or a reference that does not resolve."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems, "PDF briefs")


@dataclass(frozen=True)
class BriefSpec:
    notebook: str
    source: Path
    title: str
    key_numbers: tuple[str, ...]
    figures: tuple[str, ...]
    recommendations: tuple[str, ...] = ()
    lede: str | None = None
    details: tuple[str, ...] = ()
    summary_numbers: int = 1


def _str_list(value: Any) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(v, str) and v.strip() for v in value):
        return [v.strip() for v in value]
    return None


def _check_ref(ref: str, names: set[str], where: str, what: str, problems: list[Problem],
               file: str) -> None:
    if "::" in ref:
        nb, _, key = ref.partition("::")
        if nb not in names:
            problems.append(Problem(file, "brief-reference", f"{what} {ref!r}: no notebook "
                                    f"named {nb!r} (notebooks: {', '.join(sorted(names))})",
                                    column=where))
        if not key:
            problems.append(Problem(file, "brief-reference", f"{what} {ref!r} names no key",
                                    column=where))


def parse_brief(meta: Any, notebook: str, source: Path, names: set[str]) -> tuple[
        BriefSpec | None, list[Problem]]:
    """Check one notebook's ``batteryreport.brief`` block (``None`` when it has none)."""
    if meta is None:
        return None, []
    file = str(source)
    problems: list[Problem] = []
    if not isinstance(meta, dict):
        return None, [Problem(file, "brief", "batteryreport.brief must be a mapping",
                              column="brief")]
    for key in sorted(set(meta) - BRIEF_KEYS):
        problems.append(Problem(file, "brief-unknown-key", f"unknown field {key!r} (fields: "
                                f"{', '.join(sorted(BRIEF_KEYS))})", column=f"brief.{key}"))
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        problems.append(Problem(file, "brief-title", "a brief needs a non-empty title",
                                column="brief.title"))
    lists: dict[str, list[str]] = {}
    for name, (lo, hi), required in (("key_numbers", KEY_NUMBERS, True),
                                     ("figures", FIGURES, True),
                                     ("recommendations", (0, 20), False),
                                     ("details", (0, MAX_DETAILS), False)):
        raw = meta.get(name)
        if raw is None and not required:
            lists[name] = []
            continue
        items = _str_list(raw)
        if items is None:
            problems.append(Problem(file, "brief-list", f"{name} must be a list of keys",
                                    column=f"brief.{name}",
                                    value=None if raw is None else repr(raw)[:80]))
            continue
        if not lo <= len(items) <= hi:
            problems.append(Problem(file, "brief-count", f"{name} lists {len(items)}; a brief "
                                    f"shows {lo} to {hi}", column=f"brief.{name}"))
        if len(set(items)) != len(items):
            problems.append(Problem(file, "brief-duplicate", f"{name} lists a key twice",
                                    column=f"brief.{name}"))
        for ref in items:
            _check_ref(ref, names, f"brief.{name}", name.rstrip("s").replace("_", " "),
                       problems, file)
        lists[name] = items
    lede = meta.get("lede")
    if lede is not None:
        if not isinstance(lede, str) or not lede.strip():
            problems.append(Problem(file, "brief-lede", "lede must name one glued text value",
                                    column="brief.lede"))
        else:
            _check_ref(lede, names, "brief.lede", "lede", problems, file)
    n_summary = meta.get("summary_numbers", 1)
    if isinstance(n_summary, bool) or n_summary not in (1, 2):
        problems.append(Problem(file, "brief-summary-numbers", "summary_numbers must be 1 or 2",
                                column="brief.summary_numbers", value=repr(n_summary)))
    if problems:
        return None, problems
    return BriefSpec(notebook=notebook, source=source, title=title.strip(),
                     key_numbers=tuple(lists["key_numbers"]), figures=tuple(lists["figures"]),
                     recommendations=tuple(lists["recommendations"]),
                     lede=lede.strip() if isinstance(lede, str) else None,
                     details=tuple(lists["details"]), summary_numbers=int(n_summary)), []


@dataclass(frozen=True)
class SummarySpec:
    """What the summary carries besides each brief's first key numbers::

        batteryreport:
          summary:
            lede: pli_delays::industry_state         # a glued sentence under the title
            recommendations: ["rec_*"]               # glued text values, in this order
            figure: pli_delays::pli_promised_built   # the summary's one chart

    A recommendation reference may hold ``*`` and ``?`` (matched against the keys its
    notebook glued, in the order it glued them). Without a ``summary`` block the summary
    carries the briefs' recommendations and the first brief's first chart.
    """

    notebook: str
    source: Path
    recommendations: tuple[str, ...] = ()
    figure: str | None = None
    lede: str | None = None


def parse_summary(meta: Any, notebook: str, source: Path, names: set[str]) -> tuple[
        SummarySpec | None, list[Problem]]:
    """Check one notebook's ``batteryreport.summary`` block (``None`` when it has none)."""
    if meta is None:
        return None, []
    file = str(source)
    if not isinstance(meta, dict):
        return None, [Problem(file, "summary", "batteryreport.summary must be a mapping",
                              column="summary")]
    problems = [Problem(file, "summary-unknown-key", f"unknown field {key!r} (fields: "
                        f"{', '.join(sorted(SUMMARY_KEYS))})", column=f"summary.{key}")
                for key in sorted(set(meta) - SUMMARY_KEYS)]
    raw = meta.get("recommendations", [])
    recs = _str_list(raw) if raw != [] else []
    if recs is None:
        problems.append(Problem(file, "summary-list", "recommendations must be a list of keys",
                                column="summary.recommendations", value=repr(raw)[:80]))
        recs = []
    for ref in recs:
        _check_ref(ref, names, "summary.recommendations", "recommendation", problems, file)
    one: dict[str, str | None] = {}
    for field, what in (("figure", "one chart"), ("lede", "one glued text value")):
        value = meta.get(field)
        if value is not None and (not isinstance(value, str) or not value.strip()):
            problems.append(Problem(file, f"summary-{field}", f"{field} must name {what}",
                                    column=f"summary.{field}"))
        elif value is not None:
            _check_ref(value.strip(), names, f"summary.{field}", field, problems, file)
        one[field] = value.strip() if isinstance(value, str) and value.strip() else None
    if problems:
        return None, problems
    return SummarySpec(notebook=notebook, source=source, recommendations=tuple(recs),
                       figure=one["figure"], lede=one["lede"]), []


def declared(notebooks_dir: Path) -> tuple[list[BriefSpec], SummarySpec | None]:
    """The briefs the notebooks declare, in build order, and the summary's declaration (at
    most one notebook makes one); every problem at once."""
    specs = discover(notebooks_dir)
    names = {s.name for s in specs}
    out: list[BriefSpec] = []
    summaries: list[SummarySpec] = []
    problems: list[Problem] = []
    for spec in specs:
        meta = read_notebook(spec.source).metadata.get("batteryreport", {})
        brief, found = parse_brief(meta.get("brief"), spec.name, spec.source, names)
        problems += found
        if brief is not None:
            out.append(brief)
        summary, found = parse_summary(meta.get("summary"), spec.name, spec.source, names)
        problems += found
        if summary is not None:
            summaries.append(summary)
    if len(summaries) > 1:
        problems.append(Problem(str(summaries[1].source), "summary-twice",
                                "only one notebook may declare the summary (also: "
                                f"{summaries[0].notebook})", column="summary"))
    if problems:
        raise BriefError(problems)
    return out, (summaries[0] if summaries else None)


def brief_specs(notebooks_dir: Path) -> list[BriefSpec]:
    """The briefs the notebooks declare, in build order; every problem at once."""
    return declared(notebooks_dir)[0]
