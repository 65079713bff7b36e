"""All indicators of the Dorpenmonitor: one pure function and one metadata record each.

Functions take the wide frame of harmonised variables and return a Series;
they do no I/O and never modify their input. Statuses, fallbacks, minimum
denominators and aggregation are handled once, in :mod:`indicators.registry`
and :mod:`indicators.aggregate`, from the metadata declared here.

Units follow CBS, except money, which is shown in euros (CBS publishes WOZ and
income in thousands of euros).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from dorpenmonitor.breaks import PERIOD_CHANGES
from dorpenmonitor.lazy import lazy_module
from indicators.aggregate import WEIGHTS, kind
from indicators.registry import Fallback, Indicator, register, safe_ratio

if TYPE_CHECKING:
    import pandas as pd
else:
    pd = lazy_module("pandas")

KWB = "85984NED"
KWB22 = "85318NED"
GEM_SERIES = ("81880NED", "80860ned", "60039fvw", "85383NED")
POLITIE = "47022NED"
#: The police's newest 'year' in words, from the one record of that fact (dorpenmonitor.breaks).
_POLICE = next(p for p in PERIOD_CHANGES if p.variable == "misdrijven")
_POLICE_PERIOD = (f"{_POLICE.jaar} = de {_POLICE.periode} (peildatum van de herpublicatie), geen kalenderjaar: "
                  f"geen lijn of verandering van {_POLICE.jaar - 1} naar {_POLICE.jaar}.")
RIVM = "50150NED"
SES = "86092NED"
ENERGIE17 = "84314NED"

D, W, E, L, S = "demografie", "wonen", "energie", "leefbaarheid en voorzieningen", "sociaal domein"
BETER, SLECHTER, NEUTRAAL = "hoger is beter", "hoger is slechter", "neutraal"


def _aggregation(numerator: tuple[str, ...], denominator: tuple[str, ...], extra: tuple[str, ...],
                 custom_den: bool) -> tuple[str, str | None]:
    """Derive the aggregation method from the kinds of the inputs (so it cannot drift from the code)."""
    inputs = (*numerator, *denominator, *extra)
    kinds = {kind(v) for v in inputs}
    if "code" in kinds:
        return "none", None
    if denominator or custom_den:
        return "ratio", None
    if kinds == {"mean"} and len(inputs) == 1:
        return "weighted_mean", WEIGHTS[inputs[0]][0]
    if kinds == {"count"}:
        return "sum", None
    return "ratio", None


def _col(name: str, factor: float = 1.0) -> Callable[[pd.DataFrame], pd.Series]:
    """A function returning one column (times ``factor``): CBS's own figure."""

    def f(df: pd.DataFrame) -> pd.Series:
        return df[name].astype("float64") * factor

    f.__name__ = f"kolom_{name}"
    return f


def _share(num: str, den: str, factor: float = 100.0) -> Callable[[pd.DataFrame], pd.Series]:
    def f(df: pd.DataFrame) -> pd.Series:
        return safe_ratio(df[num], df[den], factor)

    f.__name__ = f"aandeel_{num}_van_{den}"
    return f


def _working_age(df: pd.DataFrame) -> pd.Series:
    """Residents aged 15–64: total minus the two outer groups (available for all 13 municipalities)."""
    return df["inwoners"] - df["leeftijd_0_14"] - df["leeftijd_65plus"]


def _eengezinswoningen(df: pd.DataFrame) -> pd.Series:
    return df["woningvoorraad"] * df["pct_eengezinswoning"] / 100.0


#: Every indicator, in catalogue order; registered (with the derived aggregation) at the bottom.
INDICATORS: tuple[Indicator, ...] = (
    # ---------------------------------------------------------------- demografie
    Indicator(
        id="inwoners",
        title="Inwoners",
        description="Aantal inwoners op 1 januari.",
        formula="aantal inwoners volgens de BRP",
        unit="inwoners",
        theme=D,
        numerator=("inwoners",),
        denominator=(),
        sources=(KWB, KWB22, *GEM_SERIES),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("inwoners"),
    ),

    Indicator(
        id="bevolkingsdichtheid",
        title="Bevolkingsdichtheid",
        description="Inwoners per km² land, zoals CBS die publiceert.",
        formula="inwoners / landoppervlakte in km²",
        unit="inwoners per km²",
        theme=D,
        numerator=("bevolkingsdichtheid",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        caveat="Bij samenvoegen gewogen naar landoppervlakte, wat gelijk is aan totaal inwoners / totaal land.",
        compute=_col("bevolkingsdichtheid"),
    ),

    Indicator(
        id="aandeel_0_14",
        title="Aandeel jongeren (0-14 jaar)",
        description="Deel van de inwoners dat jonger is dan 15 jaar.",
        formula="inwoners 0-14 jaar / inwoners × 100",
        unit="%",
        theme=D,
        numerator=("leeftijd_0_14",),
        denominator=("inwoners",),
        sources=(KWB, KWB22, "80860ned"),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=50,
        fallback=Fallback(
            variables=("pct_0_14_gepubliceerd",),
            compute=_col("pct_0_14_gepubliceerd"),
            note="gepubliceerd afgerond percentage (CBS), niet herberekend uit aantallen",
        ),
        caveat="Voor 2022 (wijken, gemeenten) bestaat alleen het door CBS afgeronde percentage; dat wordt dan "
            "getoond, met een notitie.",
        compute=_share("leeftijd_0_14", "inwoners"),
    ),

    Indicator(
        id="aandeel_65plus",
        title="Aandeel 65-plussers",
        description="Deel van de inwoners van 65 jaar of ouder.",
        formula="inwoners 65+ / inwoners × 100",
        unit="%",
        theme=D,
        numerator=("leeftijd_65plus",),
        denominator=("inwoners",),
        sources=(KWB, KWB22, "80860ned"),
        direction=SLECHTER,
        decimals=1,
        min_denominator=50,
        fallback=Fallback(
            variables=("pct_65plus_gepubliceerd",),
            compute=_col("pct_65plus_gepubliceerd"),
            note="gepubliceerd afgerond percentage (CBS), niet herberekend uit aantallen",
        ),
        caveat="'Hoger is slechter' geldt voor de draagkracht van voorzieningen; een hoog aandeel is geen oordeel. "
            "Voor 2022 alleen het door CBS afgeronde percentage.",
        compute=_share("leeftijd_65plus", "inwoners"),
    ),

    Indicator(
        id="grijze_druk",
        title="Grijze druk",
        description="65-plussers per 100 inwoners van 15 tot 65 jaar.",
        formula="inwoners 65+ / (inwoners − 0-14 jaar − 65+) × 100",
        unit="per 100 15-64-jarigen",
        theme=D,
        numerator=("leeftijd_65plus",),
        denominator=("inwoners", "leeftijd_0_14", "leeftijd_65plus"),
        sources=(KWB, "80860ned"),
        direction=SLECHTER,
        decimals=1,
        min_denominator=50,
        denominator_value=_working_age,
        caveat="De 15-64-jarigen worden afgeleid als totaal min de twee randgroepen, zodat de maat ook werkt waar "
            "CBS de tussenliggende leeftijdsgroepen niet levert.",
        compute=lambda df: safe_ratio(df["leeftijd_65plus"], _working_age(df), 100),
    ),

    Indicator(
        id="groene_druk",
        title="Groene druk",
        description="Jongeren (0-14) per 100 inwoners van 15 tot 65 jaar.",
        formula="inwoners 0-14 / (inwoners − 0-14 jaar − 65+) × 100",
        unit="per 100 15-64-jarigen",
        theme=D,
        numerator=("leeftijd_0_14",),
        denominator=("inwoners", "leeftijd_0_14", "leeftijd_65plus"),
        sources=(KWB, "80860ned"),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=50,
        denominator_value=_working_age,
        compute=lambda df: safe_ratio(df["leeftijd_0_14"], _working_age(df), 100),
    ),

    Indicator(
        id="aandeel_15_24",
        title="Aandeel jongvolwassenen (15-24 jaar)",
        description="Deel van de inwoners van 15 tot 25 jaar; laag in dorpen waar jongeren wegtrekken.",
        formula="inwoners 15-24 / inwoners × 100",
        unit="%",
        theme=D,
        numerator=("leeftijd_15_24",),
        denominator=("inwoners",),
        sources=(KWB, "80860ned"),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=50,
        compute=_share("leeftijd_15_24", "inwoners"),
    ),

    Indicator(
        id="mannen_per_100_vrouwen",
        title="Mannen per 100 vrouwen",
        description="Geslachtsverhouding van de bevolking.",
        formula="mannen / vrouwen × 100",
        unit="mannen per 100 vrouwen",
        theme=D,
        numerator=("mannen",),
        denominator=("vrouwen",),
        sources=(KWB, *GEM_SERIES),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=50,
        caveat="Een scheve verhouding in kleine kernen wijst vaak op selectief vertrek van jonge vrouwen.",
        compute=_share("mannen", "vrouwen"),
    ),

    Indicator(
        id="huishoudensgrootte",
        title="Gemiddelde huishoudensgrootte",
        description="Gemiddeld aantal personen per particulier huishouden.",
        formula="personen in particuliere huishoudens / aantal huishoudens",
        unit="personen",
        theme=D,
        numerator=("huishoudensgrootte",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=2,
        caveat="Bij samenvoegen gewogen naar huishoudens (CBS telt alleen personen in particuliere huishoudens).",
        compute=_col("huishoudensgrootte"),
    ),

    Indicator(
        id="huishoudens",
        title="Huishoudens",
        description="Aantal particuliere huishoudens.",
        formula="aantal particuliere huishoudens",
        unit="huishoudens",
        theme=D,
        numerator=("huishoudens",),
        denominator=(),
        sources=(KWB, "85383NED"),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("huishoudens"),
    ),

    Indicator(
        id="aandeel_eenpersoonshuishoudens",
        title="Aandeel eenpersoonshuishoudens",
        description="Deel van de huishoudens met één persoon.",
        formula="eenpersoonshuishoudens / huishoudens × 100",
        unit="%",
        theme=D,
        numerator=("eenpersoonshuishoudens",),
        denominator=("huishoudens",),
        sources=(KWB, "85383NED"),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=25,
        compute=_share("eenpersoonshuishoudens", "huishoudens"),
    ),

    Indicator(
        id="aandeel_huishoudens_met_kinderen",
        title="Aandeel huishoudens met kinderen",
        description="Deel van de huishoudens met thuiswonende kinderen.",
        formula="huishoudens met kinderen / huishoudens × 100",
        unit="%",
        theme=D,
        numerator=("huishoudens_met_kinderen",),
        denominator=("huishoudens",),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=25,
        compute=_share("huishoudens_met_kinderen", "huishoudens"),
    ),

    Indicator(
        id="natuurlijke_groei",
        title="Natuurlijke groei",
        description="Geboorte min sterfte per 1.000 inwoners.",
        formula="(levend geborenen − overledenen) / inwoners × 1.000",
        unit="per 1.000 inwoners",
        theme=D,
        numerator=("geboorte", "sterfte"),
        denominator=("inwoners",),
        sources=(KWB,),
        direction=BETER,
        decimals=1,
        min_denominator=500,
        caveat="Negatief in vergrijzende krimpgebieden; zegt niets over migratie. Kleine aantallen schommelen sterk "
            "van jaar tot jaar, daarom pas vanaf 500 inwoners betrouwbaar.",
        compute=lambda df: safe_ratio(df["geboorte"] - df["sterfte"], df["inwoners"], 1000),
    ),

    # --------------------------------------------------------------------- wonen
    Indicator(
        id="woningvoorraad",
        title="Woningvoorraad",
        description="Aantal woningen op 1 januari.",
        formula="aantal woningen (BAG)",
        unit="woningen",
        theme=W,
        numerator=("woningvoorraad",),
        denominator=(),
        sources=(KWB, KWB22, *GEM_SERIES),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("woningvoorraad"),
    ),

    Indicator(
        id="woz_gemiddeld",
        title="Gemiddelde WOZ-waarde",
        description="Gemiddelde WOZ-waarde van woningen.",
        formula="som van de WOZ-waarden / aantal woningen (CBS publiceert × 1.000 euro)",
        unit="euro",
        theme=W,
        numerator=("woz_waarde",),
        denominator=(),
        sources=(KWB, KWB22),
        direction=NEUTRAAL,
        # CBS publishes whole thousands: an average of such figures is no more precise than a thousand euro.
        decimals=-3,
        caveat="CBS laat de waarde weg bij minder dan 20 woningen. Bij samenvoegen gewogen naar woningvoorraad.",
        compute=_col("woz_waarde", 1000.0),
    ),

    Indicator(
        id="aandeel_koopwoningen",
        title="Aandeel koopwoningen",
        description="Deel van de woningen dat eigendom is van de bewoner.",
        formula="koopwoningen / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_koopwoningen",),
        denominator=(),
        sources=(KWB, KWB22),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_koopwoningen"),
    ),

    Indicator(
        id="aandeel_corporatiewoningen",
        title="Aandeel corporatiewoningen",
        description="Deel van de woningen in bezit van een corporatie.",
        formula="huurwoningen van woningcorporaties / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_corporatie",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_corporatie"),
    ),

    Indicator(
        id="aandeel_particuliere_huur",
        title="Aandeel particuliere huurwoningen",
        description="Deel van de woningen dat verhuurd wordt door andere verhuurders dan corporaties.",
        formula="huurwoningen van overige verhuurders / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_overige_verhuurders",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_overige_verhuurders"),
    ),

    Indicator(
        id="aandeel_eengezinswoningen",
        title="Aandeel eengezinswoningen",
        description="Deel van de woningen dat een eengezinswoning is.",
        formula="eengezinswoningen / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_eengezinswoning",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_eengezinswoning"),
    ),

    Indicator(
        id="aandeel_meergezinswoningen",
        title="Aandeel meergezinswoningen",
        description="Deel van de woningen in een meergezinspand (appartement, flat).",
        formula="meergezinswoningen / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_meergezinswoning",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_meergezinswoning"),
    ),

    Indicator(
        id="aandeel_onbewoond",
        title="Aandeel onbewoonde woningen",
        description="Deel van de woningen zonder ingeschreven bewoners.",
        formula="onbewoonde woningen / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_onbewoond",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=0,
        caveat="Onbewoond is niet hetzelfde als structurele leegstand: ook tweede woningen en verbouwingen tellen mee.",
        compute=_col("pct_onbewoond"),
    ),

    Indicator(
        id="aandeel_nieuwbouw",
        title="Aandeel recente bouw",
        description="Deel van de woningen gebouwd in de afgelopen tien jaar.",
        formula="woningen met bouwjaar in de afgelopen 10 jaar / woningvoorraad × 100",
        unit="%",
        theme=W,
        numerator=("pct_bouwjaar_recent",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        compute=_col("pct_bouwjaar_recent"),
    ),

    Indicator(
        id="woningen_per_huishouden",
        title="Woningen per huishouden",
        description="Krimpmaat: meer woningen dan huishoudens duidt op (dreigend) overschot.",
        formula="woningvoorraad / huishoudens",
        unit="woningen per huishouden",
        theme=W,
        numerator=("woningvoorraad",),
        denominator=("huishoudens",),
        sources=(KWB, "85383NED"),
        direction=NEUTRAAL,
        decimals=2,
        min_denominator=25,
        caveat="Verschil tussen woningen (BAG, 1 januari) en particuliere huishoudens (BRP) bevat ook recreatie- en "
            "tweede woningen en bewoners van instellingen; lees de maat als trend en vergelijking, niet als "
            "aantal leegstaande woningen.",
        compute=lambda df: safe_ratio(df["woningvoorraad"], df["huishoudens"]),
    ),

    Indicator(
        id="mismatch_kleine_huishoudens",
        title="Mismatch kleine huishoudens en kleine woningen",
        description="Krimpmaat: aandeel eenpersoonshuishoudens min aandeel meergezinswoningen (procentpunt).",
        formula="eenpersoonshuishoudens / huishoudens × 100 − % meergezinswoningen",
        unit="procentpunt",
        theme=W,
        numerator=("eenpersoonshuishoudens",),
        denominator=("huishoudens",),
        extra_inputs=("pct_meergezinswoning",),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        min_denominator=25,
        caveat="Meergezinswoningen zijn een benadering van kleine woningen; KWB kent geen woonoppervlak. Positief = "
            "meer alleenstaanden dan appartementen: veel alleenstaanden (vaak ouderen) in eengezinswoningen.",
        compute=lambda df: (safe_ratio(df["eenpersoonshuishoudens"], df["huishoudens"], 100)
                            - df["pct_meergezinswoning"]),
    ),

    Indicator(
        id="ouderen_per_eengezinswoning",
        title="65-plussers per eengezinswoning",
        description="Krimpmaat: vergrijzingsdruk op de voorraad eengezinswoningen.",
        formula="inwoners 65+ / (woningvoorraad × % eengezinswoningen / 100)",
        unit="65-plussers per eengezinswoning",
        theme=W,
        numerator=("leeftijd_65plus",),
        denominator=("woningvoorraad", "pct_eengezinswoning"),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=2,
        min_denominator=25,
        denominator_value=_eengezinswoningen,
        caveat="Een verhouding, geen telling van wie waar woont: 65-plussers in appartementen tellen ook mee. Hoog = "
            "veel eengezinswoningen komen de komende jaren vrij (doorstroming of leegstand).",
        compute=lambda df: safe_ratio(df["leeftijd_65plus"], _eengezinswoningen(df)),
    ),

    Indicator(
        id="inwoners_per_woning",
        title="Inwoners per woning",
        description="Gemiddeld aantal inwoners per woning.",
        formula="inwoners / woningvoorraad",
        unit="inwoners per woning",
        theme=W,
        numerator=("inwoners",),
        denominator=("woningvoorraad",),
        sources=(KWB, KWB22, *GEM_SERIES),
        direction=NEUTRAAL,
        decimals=2,
        min_denominator=25,
        caveat="Daalt bij gezinsverdunning; ook instellingsbewoners tellen als inwoner.",
        compute=lambda df: safe_ratio(df["inwoners"], df["woningvoorraad"]),
    ),

    # ------------------------------------------------------------------- energie
    Indicator(
        id="gasverbruik_gemiddeld",
        title="Gemiddeld aardgasverbruik",
        description="Gemiddeld aardgasverbruik per woning per jaar.",
        formula="totaal aardgasverbruik woningen / aantal woningen",
        unit="m³",
        theme=E,
        numerator=("gas_gemiddeld",),
        denominator=(),
        sources=(KWB, ENERGIE17),
        direction=SLECHTER,
        decimals=0,
        caveat="Niet gecorrigeerd voor graaddagen; bij samenvoegen gewogen naar woningvoorraad (benadering: CBS "
            "middelt over woningen met een aansluiting).",
        compute=_col("gas_gemiddeld"),
    ),

    Indicator(
        id="elektriciteit_gemiddeld",
        title="Gemiddelde elektriciteitslevering",
        description="Gemiddelde elektriciteitslevering per woning.",
        formula="totale elektriciteitslevering aan woningen / aantal woningen",
        unit="kWh",
        theme=E,
        numerator=("elektriciteit_gemiddeld",),
        denominator=(),
        sources=(KWB, ENERGIE17),
        direction=SLECHTER,
        decimals=0,
        caveat="2017 is verbruik, recente jaren netto levering (na aftrek van eigen opwek): trendbreuk.",
        compute=_col("elektriciteit_gemiddeld"),
    ),

    Indicator(
        id="aandeel_stadsverwarming",
        title="Aandeel woningen met stadsverwarming",
        description="Deel van de woningen aangesloten op een warmtenet.",
        formula="woningen met stadsverwarming / woningvoorraad × 100",
        unit="%",
        theme=E,
        numerator=("pct_stadsverwarming",),
        denominator=(),
        sources=(KWB,),
        direction=BETER,
        decimals=0,
        compute=_col("pct_stadsverwarming"),
    ),

    # --------------------------------------------- leefbaarheid en voorzieningen
    Indicator(
        id="afstand_huisarts",
        title="Afstand tot huisarts",
        description="Gemiddelde afstand over de weg tot de dichtstbijzijnde huisarts.",
        formula="gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde huisartsenpraktijk",
        unit="km",
        theme=L,
        numerator=("afstand_huisarts",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("afstand_huisarts"),
    ),

    Indicator(
        id="afstand_supermarkt",
        title="Afstand tot grote supermarkt",
        description="Gemiddelde afstand over de weg tot de dichtstbijzijnde grote supermarkt.",
        formula="gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde grote supermarkt",
        unit="km",
        theme=L,
        numerator=("afstand_supermarkt",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("afstand_supermarkt"),
    ),

    Indicator(
        id="afstand_school",
        title="Afstand tot basisschool",
        description="Gemiddelde afstand over de weg tot de dichtstbijzijnde school.",
        formula="gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde basisschool",
        unit="km",
        theme=L,
        numerator=("afstand_school",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("afstand_school"),
    ),

    Indicator(
        id="afstand_kinderdagverblijf",
        title="Afstand tot kinderdagverblijf",
        description="Gemiddelde afstand over de weg tot het dichtstbijzijnde kinderdagverblijf.",
        formula="gemiddelde over alle inwoners van de wegafstand tot het dichtstbijzijnde kinderdagverblijf",
        unit="km",
        theme=L,
        numerator=("afstand_kinderdagverblijf",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("afstand_kinderdagverblijf"),
    ),

    Indicator(
        id="scholen_binnen_3km",
        title="Scholen binnen 3 km",
        description="Gemiddeld aantal basisscholen binnen 3 km over de weg.",
        formula="gemiddelde over alle inwoners van het aantal basisscholen binnen 3 km",
        unit="scholen",
        theme=L,
        numerator=("scholen_binnen_3km",),
        denominator=(),
        sources=(KWB,),
        direction=BETER,
        decimals=1,
        compute=_col("scholen_binnen_3km"),
    ),

    Indicator(
        id="misdrijven",
        title="Geregistreerde misdrijven",
        description="Aantal door de politie geregistreerde misdrijven.",
        formula="aantal geregistreerde misdrijven in het jaar",
        unit="misdrijven",
        theme=L,
        numerator=("misdrijven",),
        denominator=(),
        sources=(POLITIE,),
        direction=SLECHTER,
        decimals=0,
        caveat=_POLICE_PERIOD,
        compute=_col("misdrijven"),
    ),

    Indicator(
        id="misdrijven_per_1000",
        title="Misdrijven per 1.000 inwoners",
        description="Geregistreerde misdrijven per 1.000 inwoners.",
        formula="geregistreerde misdrijven / inwoners × 1.000",
        unit="per 1.000 inwoners",
        theme=L,
        numerator=("misdrijven",),
        denominator=("inwoners",),
        sources=(POLITIE, KWB),
        direction=SLECHTER,
        decimals=1,
        min_denominator=200,
        caveat="Pleegplaats, niet woonplaats: winkelcentra en bedrijventerreinen scoren hoog bij weinig inwoners, "
            "daarom pas vanaf 200 inwoners betrouwbaar. Alleen jaren met inwonertal van hetzelfde jaar. "
            + _POLICE_PERIOD,
        compute=lambda df: safe_ratio(df["misdrijven"], df["inwoners"], 1000),
    ),

    Indicator(
        id="goed_ervaren_gezondheid",
        title="Goed ervaren gezondheid",
        description="Deel van de volwassenen dat de eigen gezondheid (zeer) goed noemt.",
        formula="volwassenen (18+) met goed of zeer goed ervaren gezondheid / volwassenen × 100",
        unit="%",
        theme=L,
        numerator=("goed_ervaren_gezondheid",),
        denominator=(),
        sources=(RIVM,),
        direction=BETER,
        decimals=1,
        caveat="Modelschatting (small area estimation) van RIVM; bij samenvoegen gewogen naar alle inwoners, niet "
            "alleen volwassenen.",
        compute=_col("goed_ervaren_gezondheid"),
    ),

    Indicator(
        id="adressendichtheid",
        title="Omgevingsadressendichtheid",
        description="Gemiddeld aantal adressen per km² in een straal van 1 km.",
        formula="gemiddelde over alle adressen van het aantal adressen binnen 1 km, per km²",
        unit="adressen per km²",
        theme=L,
        numerator=("adressendichtheid",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        caveat="Bij samenvoegen gewogen naar inwoners (benadering van het aantal adressen).",
        compute=_col("adressendichtheid"),
    ),

    Indicator(
        id="bedrijfsvestigingen_per_1000",
        title="Bedrijfsvestigingen per 1.000 inwoners",
        description="Aantal bedrijfsvestigingen per 1.000 inwoners.",
        formula="bedrijfsvestigingen / inwoners × 1.000",
        unit="per 1.000 inwoners",
        theme=L,
        numerator=("bedrijfsvestigingen",),
        denominator=("inwoners",),
        sources=(KWB,),
        direction=BETER,
        decimals=0,
        min_denominator=200,
        compute=lambda df: safe_ratio(df["bedrijfsvestigingen"], df["inwoners"], 1000),
    ),

    Indicator(
        id="autos_per_huishouden",
        title="Personenauto's per huishouden",
        description="Aantal personenauto's per huishouden.",
        formula="personenauto's / huishoudens",
        unit="auto's per huishouden",
        theme=L,
        numerator=("personenautos",),
        denominator=("huishoudens",),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=2,
        min_denominator=25,
        caveat="Hoog autobezit op het platteland weerspiegelt vaak gebrek aan openbaar vervoer; ook bedrijfsauto's "
            "op een woonadres tellen mee.",
        compute=lambda df: safe_ratio(df["personenautos"], df["huishoudens"]),
    ),

    Indicator(
        id="stedelijkheid",
        title="Mate van stedelijkheid",
        description="Stedelijkheidsklasse volgens CBS (1 = zeer sterk, 5 = niet).",
        formula="klasse naar omgevingsadressendichtheid: 1 ≥ 2.500, 2 1.500-2.500, 3 1.000-1.500, 4 500-1.000, 5 < 500",
        unit="klasse (1-5)",
        theme=L,
        numerator=("stedelijkheid",),
        denominator=(),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        caveat="Een klasse, geen getal om te middelen: niet samen te voegen tot dorpen.",
        compute=_col("stedelijkheid"),
    ),

    # ------------------------------------------------------------ sociaal domein
    Indicator(
        id="inkomen_per_inwoner",
        title="Gemiddeld inkomen per inwoner",
        description="Gemiddeld persoonlijk inkomen per inwoner.",
        formula="totaal persoonlijk inkomen / inwoners (CBS publiceert × 1.000 euro)",
        unit="euro",
        theme=S,
        numerator=("inkomen_per_inwoner",),
        denominator=(),
        sources=(KWB,),
        direction=BETER,
        # CBS publishes × 1.000 euro with one decimal: to the hundred euro, no finer.
        decimals=-2,
        caveat="CBS geeft inkomens pas later vrij en houdt ze geheim in kleine buurten; bij samenvoegen gewogen naar "
            "inwoners.",
        compute=_col("inkomen_per_inwoner", 1000.0),
    ),

    Indicator(
        id="aandeel_laag_inkomen",
        title="Aandeel huishoudens met laag inkomen",
        description="Deel van de particuliere huishoudens met een laag inkomen.",
        formula="huishoudens met laag inkomen / huishoudens × 100",
        unit="%",
        theme=S,
        numerator=("pct_laag_inkomen",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("pct_laag_inkomen"),
    ),

    Indicator(
        id="aandeel_sociaal_minimum",
        title="Aandeel huishoudens rond sociaal minimum",
        description="Deel van de huishoudens met een inkomen onder of rond het sociaal minimum.",
        formula="huishoudens tot 105% van het sociaal minimum / huishoudens × 100",
        unit="%",
        theme=S,
        numerator=("pct_sociaal_minimum",),
        denominator=(),
        sources=(KWB,),
        direction=SLECHTER,
        decimals=1,
        compute=_col("pct_sociaal_minimum"),
    ),

    Indicator(
        id="arbeidsparticipatie",
        title="Netto arbeidsparticipatie",
        description="Werkzame beroepsbevolking als deel van de bevolking 15-75.",
        formula="werkzame beroepsbevolking / bevolking 15-75 jaar × 100",
        unit="%",
        theme=S,
        numerator=("arbeidsparticipatie",),
        denominator=(),
        sources=(KWB22, KWB),
        direction=BETER,
        decimals=1,
        caveat="Bij samenvoegen gewogen naar alle inwoners (benadering van de bevolking van 15-75 jaar).",
        compute=_col("arbeidsparticipatie"),
    ),

    Indicator(
        id="bijstand_per_1000",
        title="Bijstandsontvangers per 1.000 inwoners",
        description="Personen met een bijstandsuitkering per 1.000 "
            "inwoners.",
        formula="personen met bijstand / inwoners × 1.000",
        unit="per 1.000 inwoners",
        theme=S,
        numerator=("bijstand",),
        denominator=("inwoners",),
        sources=(KWB, "85383NED"),
        direction=SLECHTER,
        decimals=1,
        min_denominator=200,
        compute=lambda df: safe_ratio(df["bijstand"], df["inwoners"], 1000),
    ),

    Indicator(
        id="wmo_per_1000",
        title="Wmo-cliënten per 1.000 inwoners",
        description="Cliënten met een maatwerkvoorziening Wmo per 1.000 inwoners.",
        formula="Wmo-cliënten / inwoners × 1.000",
        unit="per 1.000 inwoners",
        theme=S,
        numerator=("wmo_clienten",),
        denominator=("inwoners",),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=0,
        min_denominator=200,
        compute=lambda df: safe_ratio(df["wmo_clienten"], df["inwoners"], 1000),
    ),

    Indicator(
        id="aandeel_hoogopgeleid",
        title="Aandeel hoogopgeleiden",
        description="Deel van de 15-75-jarigen met hbo- of wo-opleiding.",
        formula="hoogopgeleid / (laag + midden + hoog) × 100",
        unit="%",
        theme=S,
        numerator=("opleiding_hoog",),
        denominator=("opleiding_laag", "opleiding_midden", "opleiding_hoog"),
        sources=(KWB,),
        direction=NEUTRAAL,
        decimals=1,
        min_denominator=50,
        compute=lambda df: safe_ratio(df["opleiding_hoog"], df["opleiding_laag"] + df["opleiding_midden"]
            + df["opleiding_hoog"], 100),
    ),

    Indicator(
        id="ses_woa_score",
        title="Sociaal-economische status (SES-WOA)",
        description="Gemiddelde score op welvaart, opleiding en arbeidsverleden van particuliere huishoudens.",
        formula="gemiddelde SES-WOA-score van de particuliere huishoudens",
        unit="score",
        theme=S,
        numerator=("ses_woa_score",),
        denominator=(),
        sources=(SES,),
        direction=BETER,
        decimals=3,
        caveat="Alleen Aa en Hunze in de huidige gegevens; bij samenvoegen gewogen naar particuliere huishoudens.",
        compute=_col("ses_woa_score"),
    ),
)


def _with_aggregation(ind: Indicator) -> Indicator:
    """``ind`` with its aggregation method and weight derived from its inputs, unless written in the record."""
    agg, weight = _aggregation(ind.numerator, ind.denominator, ind.extra_inputs, ind.denominator_value is not None)
    return dataclasses.replace(ind, aggregation=ind.aggregation or agg, weight=ind.weight or weight)


for _ind in INDICATORS:
    register(_with_aggregation(_ind))
