"""The front page's own pieces. The front page (``book/index.md``) has no notebook: what it
shows beyond the chapters' glued values is glued here, by the chapter notebooks.

- :data:`HEADLINE_CHART`: the headline chart, PLI-ACC capacity awarded against installed,
  glued by the PLI notebook (:func:`glue_pli`) and shown on the front page with myst-nb's
  ``{glue}`` directive and ``:doc:``. It is the chapter's own chart (the same figure, spec and
  data), so the front page and the chapter never disagree.
"""

from __future__ import annotations

from typing import Any

HEADLINE_CHART = "headline_chart"
# The front page (book/index.html) sits one folder above the chapters and "Data and
# sources" (book/_generated/): the chart's source links say so.
SOURCES_FROM_FRONT = "_generated/data_sources.html"


def glue_pli(result: Any) -> None:
    """Glue what the front page takes from the PLI chapter: its headline chart."""
    from batteryreport.present import pli
    from batteryreport.present.glue import glue_figure

    glue_figure(HEADLINE_CHART, pli.promised_built(result).as_static(SOURCES_FROM_FRONT))
