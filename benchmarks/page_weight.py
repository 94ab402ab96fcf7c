"""Page weight of a built site, per page of the table of contents, in Chromium.

    .venv/bin/python benchmarks/page_weight.py [SITE]    # SITE: _build/public, else _build/html

Builds nothing: it serves an already built site from localhost with the server of
`make serve` (gzip and headers as GitHub Pages sends them; every request leaving
localhost is blocked and reported), and for each page of the sidebar's table of contents
measures the bytes transferred over the network (Chrome's encoded data length, headers
included) on

- a first load, with an empty HTTP cache (a fresh browser context), and
- a second load of the same page in the same context, with the HTTP cache warm.

It then crawls every page in one context, as a reader would, and shows that the chart
bundle (vega-bundle.js) is fetched once and then comes from the cache, and that no page
inlines it (each page refers to it with one <script src>).

The server sends ``Cache-Control: max-age=600`` by default, as GitHub Pages does;
``--cache-control none`` leaves only Last-Modified (the browser then revalidates or guesses).
Needs Debian's Chromium at /usr/bin/chromium. Exit status 1 if the bundle is inlined,
fetched more than once, or anything outside localhost was requested.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from browser_support import (  # noqa: E402
    CHROMIUM,
    OFFLINE_ARGS,
    chromium_missing,
    launch_chromium,
    new_context,
    sidebar_pages,
)

from batteryreport.build.serve import serving  # noqa: E402

BUNDLE = "vega-bundle.js"
FRONT, FRONT_KB, CHAPTER_KB = "book/index.html", 250, 600  # issue 17's page-weight targets


@dataclass
class Load:
    bytes: int = 0
    requests: int = 0  # requests that went to the network
    cached: int = 0  # resources served from the HTTP cache (memory or disk)
    bundle_bytes: int = 0
    bundle_from_cache: bool = False
    bundle_requests: int = 0
    by_type: dict[str, int] = field(default_factory=dict)
    largest: list[tuple[str, int]] = field(default_factory=list)  # (path, bytes), top 6


def measure(ctx: Any, url: str) -> Load:
    """Load ``url`` in a new page of ``ctx``; count what crossed the network (CDP)."""
    page = ctx.new_page()
    cdp = ctx.new_cdp_session(page)
    seen: dict[str, dict[str, Any]] = {}

    def on_request(e: dict[str, Any]) -> None:
        seen.setdefault(e["requestId"], {"url": e["request"]["url"], "type": e.get("type", "")})

    def on_response(e: dict[str, Any]) -> None:
        r = seen.setdefault(e["requestId"], {"url": e["response"]["url"]})
        r["type"] = e.get("type", r.get("type", ""))
        r["disk"] = bool(e["response"].get("fromDiskCache"))
        r["status"] = e["response"].get("status")

    def on_cache(e: dict[str, Any]) -> None:
        seen.setdefault(e["requestId"], {})["memory"] = True

    def on_finished(e: dict[str, Any]) -> None:
        seen.setdefault(e["requestId"], {})["bytes"] = int(e.get("encodedDataLength", 0))

    cdp.on("Network.requestWillBeSent", on_request)
    cdp.on("Network.responseReceived", on_response)
    cdp.on("Network.requestServedFromCache", on_cache)
    cdp.on("Network.loadingFinished", on_finished)
    cdp.send("Network.enable")
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "() => Array.from(document.querySelectorAll('.br-vega'))"
        ".every(el => ['done', 'failed'].includes(el.getAttribute('data-drawn')))",
        timeout=60_000)
    page.wait_for_load_state("networkidle")
    page.close()

    load = Load()
    for r in seen.values():
        if "url" not in r or r["url"].startswith("data:"):
            continue
        from_cache = r.get("disk", False) or r.get("memory", False)
        n = 0 if from_cache else r.get("bytes", 0)
        load.bytes += n
        load.cached += from_cache
        load.requests += not from_cache
        kind = r.get("type", "") or "Other"
        load.by_type[kind] = load.by_type.get(kind, 0) + n
        if n:
            load.largest.append((urlsplit(r["url"]).path, n))
        if r["url"].split("?")[0].endswith("/" + BUNDLE):
            load.bundle_requests += 1
            load.bundle_bytes += n
            load.bundle_from_cache = from_cache
    load.largest = sorted(load.largest, key=lambda x: -x[1])[:6]
    return load


def inlined(site: Path, page: str, bundle_text: str) -> bool:
    """Does the page's HTML hold a piece of the bundle's code?"""
    html = (site / page).read_text(encoding="utf-8")
    mid = len(bundle_text) // 2
    return any(bundle_text[i:i + 200] in html
               for i in (mid, len(bundle_text) // 4, 3 * len(bundle_text) // 4))


def kb(n: int) -> str:
    return f"{n / 1024:,.1f}"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    public = REPO / "_build" / "public"
    ap.add_argument("site", nargs="?",
                    default=str(public if public.is_dir() else REPO / "_build" / "html"),
                    help="a built site folder (default: _build/public, else _build/html)")
    ap.add_argument("--cache-control", default="max-age=600",
                    help="Cache-Control header the test server sends ('none': no header)")
    ap.add_argument("--json", help="also write the measurements to this JSON file")
    args = ap.parse_args(argv)

    site = Path(args.site).resolve()
    if not (site / "index.html").is_file():
        print(f"no built site at {site} (run `make book` first)", file=sys.stderr)
        return 2
    if (missing := chromium_missing()):
        print(missing, file=sys.stderr)
        return 2
    bundle_file = site / "_static" / BUNDLE
    bundle_text = bundle_file.read_text(encoding="utf-8") if bundle_file.exists() else ""
    pages = sidebar_pages(site)
    cache_control = None if args.cache_control == "none" else args.cache_control

    from playwright.sync_api import sync_playwright

    rows: list[dict[str, Any]] = []
    crawl: list[Load] = []
    blocked: list[str] = []
    with serving(site, cache_control=cache_control) as base, sync_playwright() as pw:
        browser = launch_chromium(pw, OFFLINE_ARGS)
        try:
            for page in pages:
                ctx, offline = new_context(browser, block=False)
                first = measure(ctx, base + page)
                second = measure(ctx, base + page)
                ctx.close()
                blocked += offline.blocked
                html = (site / page).read_text(encoding="utf-8")
                rows.append({
                    "page": page, "html_bytes": len(html.encode("utf-8")),
                    "charts": html.count('class="br-vega"'),
                    "bundle_script_tags": html.count(f"{BUNDLE}"),
                    "bundle_inlined": bool(bundle_text) and inlined(site, page, bundle_text),
                    "first": asdict(first), "second": asdict(second),
                })
            ctx, offline = new_context(browser, block=False)
            crawl = [measure(ctx, base + page) for page in pages]
            ctx.close()
            blocked += offline.blocked
        finally:
            browser.close()

    print(f"site {site}\nserved with Cache-Control: {cache_control or '(none)'}; "
          f"browser {CHROMIUM}\n")
    head = (f"{'page':<44} {'charts':>6} {'HTML KB':>8} {'1st load KB':>12} {'(req)':>6} "
            f"{'2nd load KB':>12} {'(req)':>6} {'cached':>6}  bundle 1st / 2nd")
    print(head + "\n" + "-" * len(head))
    for r in rows:
        f, s = r["first"], r["second"]
        bundle = (f"{kb(f['bundle_bytes'])} KB / "
                  f"{'cache' if s['bundle_from_cache'] else kb(s['bundle_bytes']) + ' KB'}")
        print(f"{r['page']:<44} {r['charts']:>6} {kb(r['html_bytes']):>8} "
              f"{kb(f['bytes']):>12} {f['requests']:>6} {kb(s['bytes']):>12} "
              f"{s['requests']:>6} {s['cached']:>6}  {bundle}")
    total_first = sum(r["first"]["bytes"] for r in rows)
    total_second = sum(r["second"]["bytes"] for r in rows)
    print(f"{'all pages':<44} {'':>6} {'':>8} {kb(total_first):>12} {'':>6} "
          f"{kb(total_second):>12}")

    if rows:
        f = rows[0]["first"]
        print(f"\nfirst load of {rows[0]['page']} by resource type (KB): "
              + ", ".join(f"{k} {kb(v)}" for k, v in sorted(f["by_type"].items(),
                                                            key=lambda x: -x[1]) if v))
        print("largest: " + ", ".join(f"{p.rsplit('/', 1)[-1]} {kb(n)}"
                                      for p, n in f["largest"]))

    fetched = [(page, load.bundle_bytes) for page, load in zip(pages, crawl, strict=True)
               if load.bundle_requests and not load.bundle_from_cache]
    crawl_bytes = sum(load.bytes for load in crawl)
    print(f"\nreading all {len(pages)} pages in one visit: {kb(crawl_bytes)} KB in all; "
          f"{BUNDLE} ({kb(len(bundle_text.encode('utf-8')))} KB on disk) fetched "
          f"{len(fetched)} time(s): {', '.join(p for p, _ in fetched) or '-'}")
    problems = []
    if len(fetched) > 1:
        problems.append(f"{BUNDLE} fetched {len(fetched)} times in one visit (not cached)")
    for r in rows:
        if r["bundle_inlined"]:
            problems.append(f"{r['page']} inlines the chart bundle")
        if r["charts"] and r["bundle_script_tags"] != 1:
            problems.append(f"{r['page']} refers to {BUNDLE} {r['bundle_script_tags']} times")
        if r["first"]["bundle_requests"] > 1:
            problems.append(f"{r['page']} requests {BUNDLE} {r['first']['bundle_requests']} "
                            "times in one load")
        if not r["second"]["bundle_from_cache"] and r["second"]["bundle_requests"]:
            problems.append(f"{r['page']}: second load fetched {BUNDLE} again")
    problems += [f"request leaving localhost: {u}" for u in blocked]
    # Issue 17's targets for a first load with an empty cache, compressed as served.
    print("\ntargets (first load, gzip):")
    for r in rows:
        first = r["first"]
        limit = FRONT_KB if r["page"] == FRONT else CHAPTER_KB if r["charts"] else None
        checks = []
        if limit is not None:
            checks.append((first["bytes"] <= limit * 1024,
                           f"{kb(first['bytes'])} KB <= {limit} KB"))
        if not r["charts"]:
            checks.append((first["bundle_requests"] == 0, "no chart library"))
        checks.append((not first["by_type"].get("Font"), "no font file"))
        print(f"  {r['page']:<44} " + "; ".join(
            f"{text}: {'met' if ok else 'NOT MET'}" for ok, text in checks))
        problems += [f"{r['page']}: {text} not met" for ok, text in checks if not ok]
    if args.json:
        Path(args.json).write_text(json.dumps({"site": str(site), "pages": rows,
                                               "crawl": [asdict(c) for c in crawl],
                                               "problems": problems}, indent=1))
    if problems:
        print("\nPROBLEMS:\n  " + "\n  ".join(problems))
        return 1
    print(f"the chart bundle is one cached file: no page inlines it, a warm second load "
          f"takes it from the cache ({kb(total_second)} KB for all second loads)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
