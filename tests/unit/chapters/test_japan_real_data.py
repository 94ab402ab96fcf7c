"""The Japanese-investment chapter on the real data: it takes the PLI chapter's result
(date, exchange rate, gap) instead of recomputing it, and a run parameter moves the numbers
that depend on it, and only those. (The analysis on tiny frames is tested in
tests/unit/chapters/test_japan.py, the page in tests/unit/present/test_japan_page.py.)"""

from __future__ import annotations

import pytest

from batteryreport.chapters import chapter, common, params_of, run_all
from batteryreport.data import load_table
from batteryreport.data.params import params_with
from batteryreport.present import japan as page
from batteryreport.present.fmt import show
from batteryreport.present.glue import quantities


def _run(**run) -> dict:
    return run_all(params_with(run), _data(), ["japan_investment"])


def _data():
    from batteryreport.data.descriptor import data_dir

    return data_dir()


def _texts(**run) -> dict[str, str]:
    r = _run(**run)["japan_investment"]
    out = {k: show(q) for k, q in quantities(r).items()}
    out.update({k: q.value for k, q in page.phrases(r).items()})
    return out


def test_it_takes_the_pli_result_instead_of_recomputing_it():
    results = _run()
    pli, jp = results["pli_delays"], results["japan_investment"]
    assert chapter("japan_investment").needs == ("pli_delays",)
    assert jp.analysis_date is pli.analysis_date
    # The exchange rate: the PLI chapter's, i.e. the one rule in chapters.common.
    assert jp.rupees.fx is pli.import_bill.fx
    assert jp.rupees.fx == common.run_rate(load_table("fx_rates"), None, pli.analysis_date.day)
    # The gap and the scheme's terms are the PLI chapter's numbers and sources.
    assert jp.pli_gap.pli_unbuilt.value == pli.progress.gap_awarded.value
    assert jp.pli_gap.pli_unbuilt.sources == pli.progress.gap_awarded.sources
    assert jp.pli_gap.pli_awarded.value == pli.progress.awarded_gwh.value
    assert jp.pli_gap.pli_installed.value == pli.progress.installed_gwh.value
    assert jp.pli_gap.pli_floor.value == pli.terms.min_inv_per_gwh.value
    assert jp.pli_gap.plant_gwh.value == pli.terms.min_plant.value
    assert jp.frames.gap["gap_gwh"].sum() == pytest.approx(pli.progress.gap_awarded.value)


def test_the_notebook_receives_exactly_the_chapters_parameters():
    from batteryreport.build.notebooks import discover

    spec = next(s for s in discover() if s.name == "japan_investment")
    assert spec.chapter == "japan_investment"
    assert spec.parameters == params_of("japan_investment")


def test_parameters_move_every_dependent_number():
    """Changing the exchange rate or a capex assumption changes the numbers that depend on
    it, and only those."""
    base = _texts()
    weak = _texts(fx_inr_per_usd=95.0)
    dear = _texts(cell_capex_inr_cr_per_gwh_low=600.0, cell_capex_inr_cr_per_gwh_high=1000.0)

    def changed(a, b):
        return {k for k in a if a[k] != b[k]}

    fx_dependent = {"fx_run", "fx_source", "inr_run", "cell_gwh", "cell_gwh_india",
                    "capex_global", "gap_share_capacity", "floor_share", "rec_capex", "rec_kt",
                    "breakeven_high", "breakeven_low", "alloc_first_gwh", "alloc_first_kt",
                    "alloc_first_ev", "target_share", "suzuki_share", "lede", "fx_grid"}
    fx_free = {"usd_range", "inr_reported", "fx_implied", "fx_window", "inr_window",
               "capex_india", "capex_global_usd", "cell_gwh_global", "pli_unbuilt",
               "floor_need", "plant_floor", "target_inr", "suzuki_inr"}
    moved = changed(base, weak)
    assert fx_dependent <= moved, fx_dependent - moved
    assert not fx_free & moved, fx_free & moved
    assert weak["fx_source"] == "set for this run"
    capex_dependent = {"cell_capex", "cell_basis", "cell_gwh", "gap_share_capacity",
                       "alloc_first_gwh", "lede"}
    capex_free = {"inr_run", "fx_run", "rec_kt", "floor_share", "breakeven_high",
                  "cell_gwh_india", "cell_gwh_global", "capex_india"}
    moved = changed(base, dear)
    assert capex_dependent <= moved, capex_dependent - moved
    assert not capex_free & moved, capex_free & moved
    # At ₹600-1,000 crore per GWh the high end (₹3,500 crore) still builds 5.8 GWh.
    assert dear["plant_verdict"] == "only the high end"
    assert dear["cell_basis"] == "a range set for this run"
