"""A first visit on a slow mobile connection, measured in Chromium.

    .venv/bin/python benchmarks/throttled_load.py [SITE] [--runs N]

SITE: an already built site (default ``_build/public``, else ``_build/html``), served from
localhost by the server of ``make serve`` (gzip, as a static host sends it). Each page is
loaded with an empty cache under the issue's conditions: 1.6 Mbit/s down, 750 kbit/s up,
150 ms round trip, and the CPU slowed 4x (Chrome DevTools' "Slow 4G"-like profile).

Printed per page (median of the runs): first contentful paint, the moment every chart
on the page has drawn (charts.js marks each ``.br-vega`` with ``data-drawn="done"``; a
chart drawn at build time is there with the HTML), the load event, and bytes transferred.
Targets (issue 17), PLI chapter: first contentful paint <= 2.5 s, every chart <= 6 s.
Exit status 1 if a target is missed or anything outside localhost was requested.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "browser"))

from browser_support import CHROMIUM, LAUNCH_ARGS, OFFLINE_ARGS  # noqa: E402

from batteryreport.build.serve import serving  # noqa: E402

PAGES = ("book/index.html", "book/_generated/pli_delays.html",
         "book/_generated/japan_investment.html", "book/_generated/recycling.html")
TARGETS = {"book/_generated/pli_delays.html": (2.5, 6.0)}  # FCP s, all charts drawn s
NETWORK = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8,
           "uploadThroughput": 750e3 / 8}
CPU_SLOWDOWN = 4

DRAWN = """() => document.readyState !== 'loading' &&
  Array.from(document.querySelectorAll('.br-vega'))
    .every(el => ['done', 'failed'].includes(el.getAttribute('data-drawn')))"""
TIMES = """() => {
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  const nav = performance.getEntriesByType('navigation')[0];
  return {fcp: fcp ? fcp.startTime : null, load: nav ? nav.loadEventEnd : null,
          charts: document.querySelectorAll('figure.br-chart').length,
          failed: document.querySelectorAll('.br-vega[data-drawn=failed]').length};
}"""


def load_once(browser, url: str) -> dict:
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2,
                              is_mobile=True, has_touch=True)
    page = ctx.new_page()
    remote: list[str] = []
    page.on("request", lambda r: remote.append(r.url)
            if not r.url.startswith(("http://127.0.0.1", "data:", "blob:")) else None)
    sent = {"bytes": 0}

    def finished(request) -> None:
        sizes = request.sizes()
        sent["bytes"] += sizes.get("responseBodySize", 0) + sizes.get("responseHeadersSize", 0)

    page.on("requestfinished", finished)
    cdp = ctx.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", NETWORK)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": CPU_SLOWDOWN})
    page.goto(url, wait_until="commit")
    page.wait_for_function(DRAWN, timeout=120_000, polling=50)
    drawn_ms = page.evaluate("performance.now()")
    page.wait_for_load_state("load", timeout=120_000)
    times = page.evaluate(TIMES)
    ctx.close()
    return {"fcp": times["fcp"] / 1000, "drawn": drawn_ms / 1000,
            "load": (times["load"] or 0) / 1000, "charts": times["charts"],
            "failed": times["failed"], "kb": sent["bytes"] / 1024, "remote": remote}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("site", nargs="?")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    site = Path(args.site) if args.site else next(
        (p for p in (REPO / "_build" / "public", REPO / "_build" / "html") if p.exists()), None)
    if site is None or not site.exists():
        sys.exit("no built site: run `make book` (or `make publish`) first")
    from playwright.sync_api import sync_playwright

    print(f"site {site.resolve()}; 1.6 Mbit/s, 150 ms RTT, CPU x{CPU_SLOWDOWN}; "
          f"median of {args.runs} cold loads at 390 px")
    print(f"{'page':42s} {'charts':>6s} {'FCP s':>7s} {'charts drawn s':>15s} "
          f"{'load s':>7s} {'KB':>7s}")
    missed, remote = [], []
    with serving(site.resolve()) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM),
                                    args=[*LAUNCH_ARGS, *OFFLINE_ARGS])
        for name in PAGES:
            runs = [load_once(browser, base + name) for _ in range(args.runs)]
            med = {k: statistics.median(r[k] for r in runs)
                   for k in ("fcp", "drawn", "load", "kb")}
            remote += [u for r in runs for u in r["remote"]]
            failed = max(r["failed"] for r in runs)
            print(f"{name:42s} {runs[0]['charts']:6d} {med['fcp']:7.2f} {med['drawn']:15.2f} "
                  f"{med['load']:7.2f} {med['kb']:7.0f}"
                  + (f"  ({failed} chart(s) failed to draw)" if failed else ""))
            if name in TARGETS:
                fcp_max, drawn_max = TARGETS[name]
                if med["fcp"] > fcp_max or med["drawn"] > drawn_max or failed:
                    missed.append(f"{name}: FCP {med['fcp']:.2f} s (target {fcp_max}), "
                                  f"charts {med['drawn']:.2f} s (target {drawn_max})")
        browser.close()
    for line in missed:
        print("MISSED", line)
    if remote:
        print("requests left localhost:", sorted(set(remote))[:10])
    return 1 if missed or remote else 0


if __name__ == "__main__":
    sys.exit(main())
