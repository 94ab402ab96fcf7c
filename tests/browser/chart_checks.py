"""What a reader's eye checks on a drawn chart, as JavaScript run in the page.

:data:`GEOMETRY` returns, for every report figure on the page, the problems a reader would
see: the chart not as wide as its column (or wider), text or marks outside the drawing or
the container, text cut short by Vega ("…"), and text running into other text.
:func:`fit_problems` waits for the charts to fit their columns, then runs it: on every
page at 1280 and 390 px (tests/browser/test_browser.py, on the loads its other checks
make), at 768 px and after resizes (tests/browser/test_charts_browser.py).
"""

from __future__ import annotations

from pathlib import Path

# A text box may touch another (descenders, tight legends): only an overlap of more than
# 2 px in both directions counts. The script: chart_geometry.js (an arrow function).
GEOMETRY = "\n".join(line for line in Path(__file__).with_name("chart_geometry.js")
                     .read_text(encoding="utf-8").splitlines() if not line.startswith("//"))

# Every figure: its chart's width against its column's, and the layout drawn.
WIDTHS = """() => Array.from(document.querySelectorAll('figure.br-chart'))
  .filter(fig => fig.querySelector('.br-vega')).map(fig => {
  const box = fig.querySelector('.br-vega');
  const svg = box.querySelector('svg');
  const cs = getComputedStyle(box);
  const bundle = JSON.parse(document.getElementById(box.getAttribute('data-spec')).textContent);
  return {id: fig.id, layout: box.getAttribute('data-layout'), hasNarrow: !!bundle.narrow,
          column: box.clientWidth - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight),
          chart: svg ? svg.getBoundingClientRect().width : 0};
})"""

ALL_DRAWN = ("() => Array.from(document.querySelectorAll('.br-vega'))"
             ".every(el => el.getAttribute('data-drawn') === 'done')")

NARROW_BELOW = 600  # px of column: charts.js draws a chart's phone layout below it


def settle(pg) -> None:
    """Wait until every chart is drawn and as wide as its column (charts.js re-fits after
    a short pause)."""
    pg.wait_for_function(ALL_DRAWN, timeout=30_000)
    pg.wait_for_function(f"""() => ({WIDTHS})().every(f => Math.abs(f.chart - f.column) < 2
      && (f.layout === 'narrow') === (f.hasNarrow && f.column < {NARROW_BELOW}))""",
                         timeout=10_000)
    pg.wait_for_timeout(100)


def fit_problems(pg) -> list[str]:
    """What does not fit: charts not matching their columns (or in the wrong layout) once
    settled, and :data:`GEOMETRY`'s problems. None on a page without a figure."""
    try:
        settle(pg)
        problems = []
    except Exception:  # noqa: BLE001 - the widths are the report
        problems = [f"charts do not match their columns: {pg.evaluate(WIDTHS)}"]
    return problems + pg.evaluate(GEOMETRY, {})
