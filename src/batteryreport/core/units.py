"""The report's units: one vocabulary, defined once.

Every quantity a chapter computes carries one of these units. How a value is written
follows from its unit (:func:`batteryreport.present.fmt.show`): a share is a share
everywhere (0.25, written "25%"), money is in rupees crore or dollars million, and a
count of firms is a count. The unit's ``key`` is what the glued record and the edition
snapshot store.

Kinds:

- ``energy``, ``money``, ``money_rate`` (money per something), ``fx`` (rupees per dollar),
  ``share`` (a fraction 0..1; ``per`` says of what, e.g. "a year"), ``ratio`` (how many
  times), ``mass``, ``mass_rate``, ``intensity`` (kg per kWh, Wh per kg), ``count`` (with
  a noun, shown or not), ``duration`` (days, years), ``date``, ``year``, ``text``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Unit:
    key: str  # stored with each glued value, e.g. "GWh", "INR crore per GWh", "share"
    kind: str
    symbol: str = ""  # currency sign or unit symbol
    scale: str = ""  # "crore", "million", "billion", "thousand"
    per: str = ""  # what a rate is per, as written after the number: "a year", "per GWh"
    noun: str = ""  # counts and durations: "firms", "days"
    show_noun: bool = True  # counts: write "70 companies" (True) or "4" (False)

    def __str__(self) -> str:
        return self.key


# --------------------------------------------------------------------------- energy
GWH = Unit("GWh", "energy", symbol="GWh")

# --------------------------------------------------------------------------- money
INR_CRORE = Unit("INR crore", "money", symbol="₹", scale="crore")
INR_CRORE_A_YEAR = Unit("INR crore a year", "money", symbol="₹", scale="crore", per="a year")
INR_CRORE_A_DAY = Unit("INR crore a day", "money", symbol="₹", scale="crore", per="a day")
INR_CRORE_PER_GWH = Unit("INR crore per GWh", "money", symbol="₹", scale="crore",
                         per="per GWh")
INR_CRORE_PER_KT_A_YEAR = Unit("INR crore per 1,000 tonnes a year", "money", symbol="₹",
                               scale="crore", per="per 1,000 tonnes a year")
USD_MILLION = Unit("USD million", "money", symbol="$", scale="million")
USD_MILLION_A_YEAR = Unit("USD million a year", "money", symbol="$", scale="million",
                          per="a year")
USD_MILLION_PER_GWH = Unit("USD million per GWh", "money", symbol="$", scale="million",
                           per="per GWh")
USD_PER_KWH = Unit("USD per kWh", "money", symbol="$", per="per kWh")
GBP_MILLION = Unit("GBP million", "money", symbol="£", scale="million")
JPY_BILLION = Unit("JPY billion", "money", symbol="¥", scale="billion")
INR_PER_USD = Unit("INR per USD", "fx", symbol="₹")

# --------------------------------------------------------------------------- shares, ratios
SHARE = Unit("share", "share")
SHARE_A_YEAR = Unit("share a year", "share", per="a year")  # growth rates: shown "23%"
SHARE_OF_SECURITY_A_DAY = Unit("share of the performance security a day", "share",
                               per="of the performance security a day")
RATIO = Unit("ratio", "ratio", noun="times")

# --------------------------------------------------------------------------- mass
TONNES = Unit("tonnes", "mass", noun="tonnes")
TONNES_A_YEAR = Unit("tonnes a year", "mass", noun="tonnes", per="a year")
KT = Unit("thousand tonnes", "mass", scale="thousand", noun="tonnes")
KT_A_YEAR = Unit("thousand tonnes a year", "mass", scale="thousand", noun="tonnes",
                 per="a year")
KG_PER_KWH = Unit("kg per kWh", "intensity", symbol="kg per kWh")
WH_PER_KG = Unit("Wh per kg", "intensity", symbol="Wh/kg")

# --------------------------------------------------------------------------- time
DAYS = Unit("days", "duration", noun="days")
YEARS = Unit("years", "duration", noun="years")
DATE = Unit("date", "date")
YEAR = Unit("year", "year")

# --------------------------------------------------------------------------- counts
FIRMS = Unit("firms", "count", noun="firms", show_noun=False)
PLANTS = Unit("plants", "count", noun="plants", show_noun=False)
BIDDERS = Unit("bidders", "count", noun="bidders", show_noun=False)
COUNT = Unit("count", "count", show_noun=False)
COMPANIES = Unit("companies", "count", noun="companies")
PEOPLE = Unit("people", "count", noun="people")
CYCLES = Unit("cycles", "count", noun="cycles")

# --------------------------------------------------------------------------- words
TEXT = Unit("text", "text")
FLAG = Unit("yes or no", "flag")  # a fact that holds or not; claims test it

ALL: tuple[Unit, ...] = tuple(v for v in list(globals().values()) if isinstance(v, Unit))
BY_KEY: dict[str, Unit] = {u.key: u for u in ALL}
