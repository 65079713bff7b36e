"""All indicators of the Dorpenmonitor: one pure function and one metadata record each.

Functions take the wide frame of harmonised variables and return a Series;
they do no I/O and never modify their input. Statuses, fallbacks, minimum
denominators and aggregation are handled once, in :mod:`indicators.registry`
and :mod:`indicators.aggregate`, from the metadata declared here.

Units follow CBS, except money, which is shown in euros (CBS publishes WOZ and
income in thousands of euros).
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

from indicators.aggregate import WEIGHTS, kind
from indicators.registry import Fallback, Indicator, register, safe_ratio

KWB = "85984NED"
KWB22 = "85318NED"
GEM_SERIES = ("81880NED", "80860ned", "60039fvw", "85383NED")
POLITIE = "47022NED"
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


def ind(
    id: str,
    title: str,
    description: str,
    formula: str,
    unit: str,
    theme: str,
    numerator: tuple[str, ...],
    denominator: tuple[str, ...],
    sources: tuple[str, ...],
    direction: str,
    decimals: int,
    compute: Callable[[pd.DataFrame], pd.Series],
    *,
    min_denominator: float = 0,
    extra_inputs: tuple[str, ...] = (),
    caveat: str = "",
    fallback: Fallback | None = None,
    denominator_value: Callable[[pd.DataFrame], pd.Series] | None = None,
    aggregation: str | None = None,
) -> Indicator:
    """Build, register and return one indicator (aggregation derived unless given)."""
    agg, weight = _aggregation(numerator, denominator, extra_inputs, denominator_value is not None)
    return register(
        Indicator(
            id=id, title=title, description=description, formula=formula, unit=unit, theme=theme,
            numerator=numerator, denominator=denominator, sources=sources, direction=direction,
            decimals=decimals, min_denominator=min_denominator, aggregation=aggregation or agg,
            compute=compute, weight=weight, extra_inputs=extra_inputs, caveat=caveat, fallback=fallback,
            denominator_value=denominator_value,
        )
    )


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


# ---------------------------------------------------------------- demografie
ind("inwoners", "Inwoners", "Aantal inwoners op 1 januari.", "aantal inwoners volgens de BRP", "inwoners", D,
    ("inwoners",), (), (KWB, KWB22, *GEM_SERIES), NEUTRAAL, 0, _col("inwoners"))

ind("bevolkingsdichtheid", "Bevolkingsdichtheid", "Inwoners per km² land, zoals CBS die publiceert.",
    "inwoners / landoppervlakte in km²", "inwoners per km²", D, ("bevolkingsdichtheid",), (), (KWB,),
    NEUTRAAL, 0, _col("bevolkingsdichtheid"),
    caveat="Bij samenvoegen gewogen naar landoppervlakte, wat gelijk is aan totaal inwoners / totaal land.")

ind("aandeel_0_14", "Aandeel jongeren (0-14 jaar)", "Deel van de inwoners dat jonger is dan 15 jaar.",
    "inwoners 0-14 jaar / inwoners × 100", "%", D, ("leeftijd_0_14",), ("inwoners",), (KWB, KWB22, "80860ned"),
    NEUTRAAL, 1, _share("leeftijd_0_14", "inwoners"), min_denominator=50,
    fallback=Fallback(("pct_0_14_gepubliceerd",), _col("pct_0_14_gepubliceerd"),
                      "gepubliceerd afgerond percentage (CBS), niet herberekend uit aantallen"),
    caveat="Voor 2022 (wijken, gemeenten) bestaat alleen het door CBS afgeronde percentage; dat wordt dan "
           "getoond, met een notitie.")

ind("aandeel_65plus", "Aandeel 65-plussers", "Deel van de inwoners van 65 jaar of ouder.",
    "inwoners 65+ / inwoners × 100", "%", D, ("leeftijd_65plus",), ("inwoners",), (KWB, KWB22, "80860ned"),
    SLECHTER, 1, _share("leeftijd_65plus", "inwoners"), min_denominator=50,
    fallback=Fallback(("pct_65plus_gepubliceerd",), _col("pct_65plus_gepubliceerd"),
                      "gepubliceerd afgerond percentage (CBS), niet herberekend uit aantallen"),
    caveat="'Hoger is slechter' geldt voor de draagkracht van voorzieningen; een hoog aandeel is geen oordeel. "
           "Voor 2022 alleen het door CBS afgeronde percentage.")

ind("grijze_druk", "Grijze druk", "65-plussers per 100 inwoners van 15 tot 65 jaar.",
    "inwoners 65+ / (inwoners − 0-14 jaar − 65+) × 100", "per 100 15-64-jarigen", D, ("leeftijd_65plus",),
    ("inwoners", "leeftijd_0_14", "leeftijd_65plus"), (KWB, "80860ned"), SLECHTER, 1,
    lambda df: safe_ratio(df["leeftijd_65plus"], _working_age(df), 100), min_denominator=50,
    denominator_value=_working_age,
    caveat="De 15-64-jarigen worden afgeleid als totaal min de twee randgroepen, zodat de maat ook werkt waar "
           "CBS de tussenliggende leeftijdsgroepen niet levert.")

ind("groene_druk", "Groene druk", "Jongeren (0-14) per 100 inwoners van 15 tot 65 jaar.",
    "inwoners 0-14 / (inwoners − 0-14 jaar − 65+) × 100", "per 100 15-64-jarigen", D, ("leeftijd_0_14",),
    ("inwoners", "leeftijd_0_14", "leeftijd_65plus"), (KWB, "80860ned"), NEUTRAAL, 1,
    lambda df: safe_ratio(df["leeftijd_0_14"], _working_age(df), 100), min_denominator=50,
    denominator_value=_working_age)

ind("aandeel_15_24", "Aandeel jongvolwassenen (15-24 jaar)",
    "Deel van de inwoners van 15 tot 25 jaar; laag in dorpen waar jongeren wegtrekken.",
    "inwoners 15-24 / inwoners × 100", "%", D, ("leeftijd_15_24",), ("inwoners",), (KWB, "80860ned"), NEUTRAAL, 1,
    _share("leeftijd_15_24", "inwoners"), min_denominator=50)

ind("mannen_per_100_vrouwen", "Mannen per 100 vrouwen", "Geslachtsverhouding van de bevolking.",
    "mannen / vrouwen × 100", "mannen per 100 vrouwen", D, ("mannen",), ("vrouwen",), (KWB, *GEM_SERIES),
    NEUTRAAL, 1, _share("mannen", "vrouwen"), min_denominator=50,
    caveat="Een scheve verhouding in kleine kernen wijst vaak op selectief vertrek van jonge vrouwen.")

ind("huishoudensgrootte", "Gemiddelde huishoudensgrootte", "Gemiddeld aantal personen per particulier huishouden.",
    "personen in particuliere huishoudens / aantal huishoudens", "personen", D, ("huishoudensgrootte",), (),
    (KWB,), NEUTRAAL, 2, _col("huishoudensgrootte"),
    caveat="Bij samenvoegen gewogen naar huishoudens (CBS telt alleen personen in particuliere huishoudens).")

ind("huishoudens", "Huishoudens", "Aantal particuliere huishoudens.", "aantal particuliere huishoudens",
    "huishoudens", D, ("huishoudens",), (), (KWB, "85383NED"), NEUTRAAL, 0, _col("huishoudens"))

ind("aandeel_eenpersoonshuishoudens", "Aandeel eenpersoonshuishoudens", "Deel van de huishoudens met één persoon.",
    "eenpersoonshuishoudens / huishoudens × 100", "%", D, ("eenpersoonshuishoudens",), ("huishoudens",),
    (KWB, "85383NED"), NEUTRAAL, 1, _share("eenpersoonshuishoudens", "huishoudens"), min_denominator=25)

ind("aandeel_huishoudens_met_kinderen", "Aandeel huishoudens met kinderen",
    "Deel van de huishoudens met thuiswonende kinderen.", "huishoudens met kinderen / huishoudens × 100", "%", D,
    ("huishoudens_met_kinderen",), ("huishoudens",), (KWB,), NEUTRAAL, 1,
    _share("huishoudens_met_kinderen", "huishoudens"), min_denominator=25)

ind("natuurlijke_groei", "Natuurlijke groei", "Geboorte min sterfte per 1.000 inwoners.",
    "(levend geborenen − overledenen) / inwoners × 1.000", "per 1.000 inwoners", D, ("geboorte", "sterfte"),
    ("inwoners",), (KWB,), BETER, 1,
    lambda df: safe_ratio(df["geboorte"] - df["sterfte"], df["inwoners"], 1000), min_denominator=500,
    caveat="Negatief in vergrijzende krimpgebieden; zegt niets over migratie. Kleine aantallen schommelen sterk "
           "van jaar tot jaar, daarom pas vanaf 500 inwoners betrouwbaar.")

# --------------------------------------------------------------------- wonen
ind("woningvoorraad", "Woningvoorraad", "Aantal woningen op 1 januari.", "aantal woningen (BAG)", "woningen", W,
    ("woningvoorraad",), (), (KWB, KWB22, *GEM_SERIES), NEUTRAAL, 0, _col("woningvoorraad"))

ind("woz_gemiddeld", "Gemiddelde WOZ-waarde", "Gemiddelde WOZ-waarde van woningen.",
    "som van de WOZ-waarden / aantal woningen (CBS publiceert × 1.000 euro)", "euro", W, ("woz_waarde",), (),
    (KWB, KWB22), NEUTRAAL, 0, _col("woz_waarde", 1000.0),
    caveat="CBS laat de waarde weg bij minder dan 20 woningen. Bij samenvoegen gewogen naar woningvoorraad.")

ind("aandeel_koopwoningen", "Aandeel koopwoningen", "Deel van de woningen dat eigendom is van de bewoner.",
    "koopwoningen / woningvoorraad × 100", "%", W, ("pct_koopwoningen",), (), (KWB, KWB22), NEUTRAAL, 0,
    _col("pct_koopwoningen"))

ind("aandeel_corporatiewoningen", "Aandeel corporatiewoningen", "Deel van de woningen in bezit van een corporatie.",
    "huurwoningen van woningcorporaties / woningvoorraad × 100", "%", W, ("pct_corporatie",), (), (KWB,),
    NEUTRAAL, 0, _col("pct_corporatie"))

ind("aandeel_particuliere_huur", "Aandeel particuliere huurwoningen",
    "Deel van de woningen dat verhuurd wordt door andere verhuurders dan corporaties.",
    "huurwoningen van overige verhuurders / woningvoorraad × 100", "%", W, ("pct_overige_verhuurders",), (),
    (KWB,), NEUTRAAL, 0, _col("pct_overige_verhuurders"))

ind("aandeel_eengezinswoningen", "Aandeel eengezinswoningen", "Deel van de woningen dat een eengezinswoning is.",
    "eengezinswoningen / woningvoorraad × 100", "%", W, ("pct_eengezinswoning",), (), (KWB,), NEUTRAAL, 0,
    _col("pct_eengezinswoning"))

ind("aandeel_meergezinswoningen", "Aandeel meergezinswoningen",
    "Deel van de woningen in een meergezinspand (appartement, flat).",
    "meergezinswoningen / woningvoorraad × 100", "%", W, ("pct_meergezinswoning",), (), (KWB,), NEUTRAAL, 0,
    _col("pct_meergezinswoning"))

ind("aandeel_onbewoond", "Aandeel onbewoonde woningen", "Deel van de woningen zonder ingeschreven bewoners.",
    "onbewoonde woningen / woningvoorraad × 100", "%", W, ("pct_onbewoond",), (), (KWB,), SLECHTER, 0,
    _col("pct_onbewoond"),
    caveat="Onbewoond is niet hetzelfde als structurele leegstand: ook tweede woningen en verbouwingen tellen mee.")

ind("aandeel_nieuwbouw", "Aandeel recente bouw", "Deel van de woningen gebouwd in de afgelopen tien jaar.",
    "woningen met bouwjaar in de afgelopen 10 jaar / woningvoorraad × 100", "%", W, ("pct_bouwjaar_recent",), (),
    (KWB,), NEUTRAAL, 0, _col("pct_bouwjaar_recent"))

ind("woningen_per_huishouden", "Woningen per huishouden",
    "Krimpmaat: meer woningen dan huishoudens duidt op (dreigend) overschot.",
    "woningvoorraad / huishoudens", "woningen per huishouden", W, ("woningvoorraad",), ("huishoudens",),
    (KWB, "85383NED"), NEUTRAAL, 2, lambda df: safe_ratio(df["woningvoorraad"], df["huishoudens"]),
    min_denominator=25,
    caveat="Verschil tussen woningen (BAG, 1 januari) en particuliere huishoudens (BRP) bevat ook recreatie- en "
           "tweede woningen en bewoners van instellingen; lees de maat als trend en vergelijking, niet als "
           "aantal leegstaande woningen.")

ind("mismatch_kleine_huishoudens", "Mismatch kleine huishoudens en kleine woningen",
    "Krimpmaat: aandeel eenpersoonshuishoudens min aandeel meergezinswoningen (procentpunt).",
    "eenpersoonshuishoudens / huishoudens × 100 − % meergezinswoningen", "procentpunt", W,
    ("eenpersoonshuishoudens",), ("huishoudens",), (KWB,), SLECHTER, 1,
    lambda df: safe_ratio(df["eenpersoonshuishoudens"], df["huishoudens"], 100) - df["pct_meergezinswoning"],
    min_denominator=25, extra_inputs=("pct_meergezinswoning",),
    caveat="Meergezinswoningen zijn een benadering van kleine woningen; KWB kent geen woonoppervlak. Positief = "
           "meer alleenstaanden dan appartementen: veel alleenstaanden (vaak ouderen) in eengezinswoningen.")

ind("ouderen_per_eengezinswoning", "65-plussers per eengezinswoning",
    "Krimpmaat: vergrijzingsdruk op de voorraad eengezinswoningen.",
    "inwoners 65+ / (woningvoorraad × % eengezinswoningen / 100)", "65-plussers per eengezinswoning", W,
    ("leeftijd_65plus",), ("woningvoorraad", "pct_eengezinswoning"), (KWB,), SLECHTER, 2,
    lambda df: safe_ratio(df["leeftijd_65plus"], _eengezinswoningen(df)), min_denominator=25,
    denominator_value=_eengezinswoningen,
    caveat="Een verhouding, geen telling van wie waar woont: 65-plussers in appartementen tellen ook mee. Hoog = "
           "veel eengezinswoningen komen de komende jaren vrij (doorstroming of leegstand).")

ind("inwoners_per_woning", "Inwoners per woning", "Gemiddeld aantal inwoners per woning.",
    "inwoners / woningvoorraad", "inwoners per woning", W, ("inwoners",), ("woningvoorraad",),
    (KWB, KWB22, *GEM_SERIES), NEUTRAAL, 2, lambda df: safe_ratio(df["inwoners"], df["woningvoorraad"]),
    min_denominator=25, caveat="Daalt bij gezinsverdunning; ook instellingsbewoners tellen als inwoner.")

# ------------------------------------------------------------------- energie
ind("gasverbruik_gemiddeld", "Gemiddeld aardgasverbruik", "Gemiddeld aardgasverbruik per woning per jaar.",
    "totaal aardgasverbruik woningen / aantal woningen", "m³", E, ("gas_gemiddeld",), (), (KWB, ENERGIE17),
    SLECHTER, 0, _col("gas_gemiddeld"),
    caveat="Niet gecorrigeerd voor graaddagen; bij samenvoegen gewogen naar woningvoorraad (benadering: CBS "
           "middelt over woningen met een aansluiting).")

ind("elektriciteit_gemiddeld", "Gemiddelde elektriciteitslevering", "Gemiddelde elektriciteitslevering per woning.",
    "totale elektriciteitslevering aan woningen / aantal woningen", "kWh", E, ("elektriciteit_gemiddeld",), (),
    (KWB, ENERGIE17), SLECHTER, 0, _col("elektriciteit_gemiddeld"),
    caveat="2017 is verbruik, recente jaren netto levering (na aftrek van eigen opwek): trendbreuk.")

ind("aandeel_stadsverwarming", "Aandeel woningen met stadsverwarming",
    "Deel van de woningen aangesloten op een warmtenet.", "woningen met stadsverwarming / woningvoorraad × 100",
    "%", E, ("pct_stadsverwarming",), (), (KWB,), BETER, 0, _col("pct_stadsverwarming"))

# --------------------------------------------- leefbaarheid en voorzieningen
ind("afstand_huisarts", "Afstand tot huisarts", "Gemiddelde afstand over de weg tot de dichtstbijzijnde huisarts.",
    "gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde huisartsenpraktijk", "km", L,
    ("afstand_huisarts",), (), (KWB,), SLECHTER, 1, _col("afstand_huisarts"))

ind("afstand_supermarkt", "Afstand tot grote supermarkt",
    "Gemiddelde afstand over de weg tot de dichtstbijzijnde grote supermarkt.",
    "gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde grote supermarkt", "km", L,
    ("afstand_supermarkt",), (), (KWB,), SLECHTER, 1, _col("afstand_supermarkt"))

ind("afstand_school", "Afstand tot basisschool", "Gemiddelde afstand over de weg tot de dichtstbijzijnde school.",
    "gemiddelde over alle inwoners van de wegafstand tot de dichtstbijzijnde basisschool", "km", L,
    ("afstand_school",), (), (KWB,), SLECHTER, 1, _col("afstand_school"))

ind("afstand_kinderdagverblijf", "Afstand tot kinderdagverblijf",
    "Gemiddelde afstand over de weg tot het dichtstbijzijnde kinderdagverblijf.",
    "gemiddelde over alle inwoners van de wegafstand tot het dichtstbijzijnde kinderdagverblijf", "km", L,
    ("afstand_kinderdagverblijf",), (), (KWB,), SLECHTER, 1, _col("afstand_kinderdagverblijf"))

ind("scholen_binnen_3km", "Scholen binnen 3 km", "Gemiddeld aantal basisscholen binnen 3 km over de weg.",
    "gemiddelde over alle inwoners van het aantal basisscholen binnen 3 km", "scholen", L,
    ("scholen_binnen_3km",), (), (KWB,), BETER, 1, _col("scholen_binnen_3km"))

ind("misdrijven", "Geregistreerde misdrijven", "Aantal door de politie geregistreerde misdrijven.",
    "aantal geregistreerde misdrijven in het jaar", "misdrijven", L, ("misdrijven",), (), (POLITIE,), SLECHTER, 0,
    _col("misdrijven"), caveat="2025 = laatste 12 maanden tot de peildatum van de herpublicatie.")

ind("misdrijven_per_1000", "Misdrijven per 1.000 inwoners", "Geregistreerde misdrijven per 1.000 inwoners.",
    "geregistreerde misdrijven / inwoners × 1.000", "per 1.000 inwoners", L, ("misdrijven",), ("inwoners",),
    (POLITIE, KWB), SLECHTER, 1, lambda df: safe_ratio(df["misdrijven"], df["inwoners"], 1000),
    min_denominator=200,
    caveat="Pleegplaats, niet woonplaats: winkelcentra en bedrijventerreinen scoren hoog bij weinig inwoners, "
           "daarom pas vanaf 200 inwoners betrouwbaar. Alleen jaren met inwonertal van hetzelfde jaar.")

ind("goed_ervaren_gezondheid", "Goed ervaren gezondheid",
    "Deel van de volwassenen dat de eigen gezondheid (zeer) goed noemt.",
    "volwassenen (18+) met goed of zeer goed ervaren gezondheid / volwassenen × 100", "%", L,
    ("goed_ervaren_gezondheid",), (), (RIVM,), BETER, 1, _col("goed_ervaren_gezondheid"),
    caveat="Modelschatting (small area estimation) van RIVM; bij samenvoegen gewogen naar alle inwoners, niet "
           "alleen volwassenen.")

ind("adressendichtheid", "Omgevingsadressendichtheid", "Gemiddeld aantal adressen per km² in een straal van 1 km.",
    "gemiddelde over alle adressen van het aantal adressen binnen 1 km, per km²", "adressen per km²", L,
    ("adressendichtheid",), (), (KWB,), NEUTRAAL, 0, _col("adressendichtheid"),
    caveat="Bij samenvoegen gewogen naar inwoners (benadering van het aantal adressen).")

ind("bedrijfsvestigingen_per_1000", "Bedrijfsvestigingen per 1.000 inwoners",
    "Aantal bedrijfsvestigingen per 1.000 inwoners.", "bedrijfsvestigingen / inwoners × 1.000",
    "per 1.000 inwoners", L, ("bedrijfsvestigingen",), ("inwoners",), (KWB,), BETER, 0,
    lambda df: safe_ratio(df["bedrijfsvestigingen"], df["inwoners"], 1000), min_denominator=200)

ind("autos_per_huishouden", "Personenauto's per huishouden", "Aantal personenauto's per huishouden.",
    "personenauto's / huishoudens", "auto's per huishouden", L, ("personenautos",), ("huishoudens",), (KWB,),
    NEUTRAAL, 2, lambda df: safe_ratio(df["personenautos"], df["huishoudens"]), min_denominator=25,
    caveat="Hoog autobezit op het platteland weerspiegelt vaak gebrek aan openbaar vervoer; ook bedrijfsauto's "
           "op een woonadres tellen mee.")

ind("stedelijkheid", "Mate van stedelijkheid", "Stedelijkheidsklasse volgens CBS (1 = zeer sterk, 5 = niet).",
    "klasse naar omgevingsadressendichtheid: 1 ≥ 2.500, 2 1.500-2.500, 3 1.000-1.500, 4 500-1.000, 5 < 500",
    "klasse (1-5)", L, ("stedelijkheid",), (), (KWB,), NEUTRAAL, 0, _col("stedelijkheid"),
    caveat="Een klasse, geen getal om te middelen: niet samen te voegen tot dorpen.")

# ------------------------------------------------------------ sociaal domein
ind("inkomen_per_inwoner", "Gemiddeld inkomen per inwoner", "Gemiddeld persoonlijk inkomen per inwoner.",
    "totaal persoonlijk inkomen / inwoners (CBS publiceert × 1.000 euro)", "euro", S, ("inkomen_per_inwoner",), (),
    (KWB,), BETER, 0, _col("inkomen_per_inwoner", 1000.0),
    caveat="CBS geeft inkomens pas later vrij en houdt ze geheim in kleine buurten; bij samenvoegen gewogen naar "
           "inwoners.")

ind("aandeel_laag_inkomen", "Aandeel huishoudens met laag inkomen",
    "Deel van de particuliere huishoudens met een laag inkomen.", "huishoudens met laag inkomen / huishoudens × 100",
    "%", S, ("pct_laag_inkomen",), (), (KWB,), SLECHTER, 1, _col("pct_laag_inkomen"))

ind("aandeel_sociaal_minimum", "Aandeel huishoudens rond sociaal minimum",
    "Deel van de huishoudens met een inkomen onder of rond het sociaal minimum.",
    "huishoudens tot 105% van het sociaal minimum / huishoudens × 100", "%", S, ("pct_sociaal_minimum",), (),
    (KWB,), SLECHTER, 1, _col("pct_sociaal_minimum"))

ind("arbeidsparticipatie", "Netto arbeidsparticipatie", "Werkzame beroepsbevolking als deel van de bevolking 15-75.",
    "werkzame beroepsbevolking / bevolking 15-75 jaar × 100", "%", S, ("arbeidsparticipatie",), (), (KWB22, KWB),
    BETER, 1, _col("arbeidsparticipatie"),
    caveat="Bij samenvoegen gewogen naar alle inwoners (benadering van de bevolking van 15-75 jaar).")

ind("bijstand_per_1000", "Bijstandsontvangers per 1.000 inwoners", "Personen met een bijstandsuitkering per 1.000 "
    "inwoners.", "personen met bijstand / inwoners × 1.000", "per 1.000 inwoners", S, ("bijstand",), ("inwoners",),
    (KWB, "85383NED"), SLECHTER, 1, lambda df: safe_ratio(df["bijstand"], df["inwoners"], 1000),
    min_denominator=200)

ind("wmo_per_1000", "Wmo-cliënten per 1.000 inwoners", "Cliënten met een maatwerkvoorziening Wmo per 1.000 inwoners.",
    "Wmo-cliënten / inwoners × 1.000", "per 1.000 inwoners", S, ("wmo_clienten",), ("inwoners",), (KWB,), NEUTRAAL,
    0, lambda df: safe_ratio(df["wmo_clienten"], df["inwoners"], 1000), min_denominator=200)

ind("aandeel_hoogopgeleid", "Aandeel hoogopgeleiden", "Deel van de 15-75-jarigen met hbo- of wo-opleiding.",
    "hoogopgeleid / (laag + midden + hoog) × 100", "%", S, ("opleiding_hoog",),
    ("opleiding_laag", "opleiding_midden", "opleiding_hoog"), (KWB,), NEUTRAAL, 1,
    lambda df: safe_ratio(df["opleiding_hoog"], df["opleiding_laag"] + df["opleiding_midden"]
                          + df["opleiding_hoog"], 100), min_denominator=50)

ind("ses_woa_score", "Sociaal-economische status (SES-WOA)",
    "Gemiddelde score op welvaart, opleiding en arbeidsverleden van particuliere huishoudens.",
    "gemiddelde SES-WOA-score van de particuliere huishoudens", "score", S, ("ses_woa_score",), (), (SES,), BETER, 3,
    _col("ses_woa_score"),
    caveat="Alleen Aa en Hunze in de huidige gegevens; bij samenvoegen gewogen naar particuliere huishoudens.")
