"""The harmonised variable catalogue: one meaning per variable across years and sources.

Domain knowledge shared by the ETL (which fills the variables) and the
indicators (which aggregate them by ``kind``). The CBS-specific part, which
column key each KWB table uses, is resolved in :mod:`etl.resolve` from the
``stems`` recorded here (plus curated renames) against each table's metadata.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

THEMES = ("demografie", "wonen", "energie", "leefbaarheid en voorzieningen", "sociaal domein", "gebied")


@dataclass(frozen=True)
class Variable:
    """A harmonised variable: one meaning across years and source tables."""

    key: str
    title: str
    unit: str
    theme: str
    description: str = ""
    #: exact KWB keys per year (checked); other years resolve through ``stems``
    kwb: Mapping[int, str] = field(default_factory=dict)
    stems: tuple[str, ...] = ()
    #: a KWB table without this variable is schema drift, not a gap
    required: bool = False
    #: kind decides aggregation: count (sum), mean/pct (weighted), code (mode), distance (weighted)
    kind: str = "count"


def _v(key, title, unit, theme, k2024=None, *, stems=(), required=False, kind="count", description="", extra=None):
    kwb = {2024: k2024} if k2024 else {}
    if extra:
        kwb.update(extra)
    if k2024 and not stems:
        stems = (re.sub(r"_\d+$", "", k2024),)
    return Variable(key, title, unit, theme, description, kwb, tuple(stems), required, kind)


D, W, E, L, S, G = THEMES

VARIABLES: tuple[Variable, ...] = (
    # demografie
    _v("inwoners", "Aantal inwoners", "aantal", D, "AantalInwoners_5", required=True),
    _v("mannen", "Mannen", "aantal", D, "Mannen_6"),
    _v("vrouwen", "Vrouwen", "aantal", D, "Vrouwen_7"),
    _v("leeftijd_0_14", "Inwoners 0 tot 15 jaar", "aantal", D, "k_0Tot15Jaar_8"),
    _v("leeftijd_15_24", "Inwoners 15 tot 25 jaar", "aantal", D, "k_15Tot25Jaar_9"),
    _v("leeftijd_25_44", "Inwoners 25 tot 45 jaar", "aantal", D, "k_25Tot45Jaar_10"),
    _v("leeftijd_45_64", "Inwoners 45 tot 65 jaar", "aantal", D, "k_45Tot65Jaar_11"),
    _v("leeftijd_65plus", "Inwoners 65 jaar of ouder", "aantal", D, "k_65JaarOfOuder_12",
       stems=("k_65JaarOfOuder", "k_65JaarEnOuder")),
    _v("pct_0_14_gepubliceerd", "Aandeel 0 tot 15 jaar (gepubliceerd, afgerond)", "%", D, kind="pct"),
    _v("pct_65plus_gepubliceerd", "Aandeel 65 jaar of ouder (gepubliceerd, afgerond)", "%", D, kind="pct"),
    _v("geboorte", "Levend geborenen", "aantal", D, "GeboorteTotaal_25"),
    _v("sterfte", "Overledenen", "aantal", D, "SterfteTotaal_27"),
    _v("huishoudens", "Huishoudens totaal", "aantal", D, "HuishoudensTotaal_29", stems=("HuishoudensTotaal",)),
    _v("eenpersoonshuishoudens", "Eenpersoonshuishoudens", "aantal", D, "Eenpersoonshuishoudens_30"),
    _v("huishoudens_zonder_kinderen", "Huishoudens zonder kinderen", "aantal", D, "HuishoudensZonderKinderen_31"),
    _v("huishoudens_met_kinderen", "Huishoudens met kinderen", "aantal", D, "HuishoudensMetKinderen_32"),
    _v("huishoudensgrootte", "Gemiddelde huishoudensgrootte", "personen", D, "GemiddeldeHuishoudensgrootte_33",
       kind="mean"),
    _v("bevolkingsdichtheid", "Bevolkingsdichtheid", "inwoners per km²", D, "Bevolkingsdichtheid_34", kind="mean"),
    # wonen
    _v("woningvoorraad", "Woningvoorraad", "aantal", W, "Woningvoorraad_35"),
    _v("nieuwbouw_woningen", "Nieuwbouw woningen", "aantal", W, "NieuwbouwWoningen_36"),
    _v("woz_waarde", "Gemiddelde WOZ-waarde van woningen", "× 1.000 euro", W, "GemiddeldeWOZWaardeVanWoningen_39",
       stems=("GemiddeldeWOZWaardeVanWoningen", "GemiddeldeWoningwaarde"), kind="mean"),
    _v("pct_eengezinswoning", "Percentage eengezinswoning", "%", W, "PercentageEengezinswoning_40", kind="pct"),
    _v("pct_meergezinswoning", "Percentage meergezinswoning", "%", W, "PercentageMeergezinswoning_45", kind="pct"),
    _v("pct_onbewoond", "Onbewoonde woningen", "%", W, "OnbewoondeWoningen_46",
       stems=("OnbewoondeWoningen", "PercentageOnbewoond"), kind="pct"),
    _v("pct_koopwoningen", "Koopwoningen", "%", W, "Koopwoningen_47", kind="pct"),
    _v("pct_huurwoningen", "Huurwoningen totaal", "%", W, "HuurwoningenTotaal_48", kind="pct"),
    _v("pct_corporatie", "Huurwoningen in bezit woningcorporatie", "%", W, "InBezitWoningcorporatie_49", kind="pct"),
    _v("pct_overige_verhuurders", "Huurwoningen in bezit overige verhuurders", "%", W,
       "InBezitOverigeVerhuurders_50", kind="pct"),
    _v("pct_bouwjaar_recent", "Bouwjaar afgelopen tien jaar", "%", W, "BouwjaarAfgelopenTienJaar_52", kind="pct"),
    # energie
    # Net delivery from the grid (KWB from 2021) and consumption (KWB to 2020) are
    # different measures: two variables, never one silent series.
    _v("elektriciteit_gemiddeld", "Gemiddelde elektriciteitslevering per woning", "kWh", E,
       "GemiddeldeElektriciteitsleveringTotaal_53", stems=("GemiddeldeElektriciteitsleveringTotaal",), kind="mean"),
    _v("elektriciteit_verbruik", "Gemiddeld elektriciteitsverbruik per woning (tot 2020)", "kWh", E,
       stems=("GemiddeldElektriciteitsverbruikTotaal",), kind="mean",
       description="Verbruik, niet netto levering: niet vergelijkbaar met de levering vanaf 2021."),
    _v("gas_gemiddeld", "Gemiddeld aardgasverbruik per woning", "m³", E, "GemiddeldAardgasverbruikTotaal_61",
       kind="mean"),
    _v("pct_stadsverwarming", "Woningen met stadsverwarming", "%", E, "PercentageWoningenMetStadsverwarming_69",
       kind="pct"),
    # sociaal domein
    _v("arbeidsparticipatie", "Nettoarbeidsparticipatie", "%", S, "Nettoarbeidsparticipatie_78", kind="pct"),
    _v("opleiding_laag", "Opleidingsniveau laag (basis, vmbo, mbo1)", "aantal", S, "BasisonderwijsVmboMbo1_75"),
    _v("opleiding_midden", "Opleidingsniveau midden (havo, vwo, mbo2-4)", "aantal", S, "HavoVwoMbo24_76"),
    _v("opleiding_hoog", "Opleidingsniveau hoog (hbo, wo)", "aantal", S, "HboWo_77"),
    _v("inkomensontvangers", "Aantal inkomensontvangers", "aantal", S, "AantalInkomensontvangers_81"),
    _v("inkomen_per_inwoner", "Gemiddeld inkomen per inwoner", "× 1.000 euro", S, "GemiddeldInkomenPerInwoner_83",
       kind="mean"),
    _v("pct_laag_inkomen", "Huishoudens met een laag inkomen", "%", S, "HuishoudensMetEenLaagInkomen_89",
       kind="pct"),
    _v("pct_sociaal_minimum", "Huishoudens onder of rond sociaal minimum", "%", S,
       "HuishOnderOfRondSociaalMinimum_90", kind="pct"),
    _v("bijstand", "Personen met bijstandsuitkering", "aantal", S, "PersonenPerSoortUitkeringBijstand_94"),
    _v("ao_uitkering", "Personen met AO-uitkering", "aantal", S, "PersonenPerSoortUitkeringAO_95"),
    _v("ww_uitkering", "Personen met WW-uitkering", "aantal", S, "PersonenPerSoortUitkeringWW_96"),
    _v("aow_uitkering", "Personen met AOW-uitkering", "aantal", S, "PersonenPerSoortUitkeringAOW_97"),
    _v("jeugdzorg", "Jongeren met jeugdzorg in natura", "aantal", S, "JongerenMetJeugdzorgInNatura_98"),
    _v("pct_jeugdzorg", "Percentage jongeren met jeugdzorg", "%", S, "PercentageJongerenMetJeugdzorg_99",
       kind="pct"),
    _v("wmo_clienten", "Wmo-cliënten", "aantal", S, "WmoClienten_100"),
    _v("wmo_relatief", "Wmo-cliënten per 1.000 inwoners", "per 1.000 inwoners", S, "WmoClientenRelatief_101",
       kind="mean"),
    _v("ses_woa_score", "SES-WOA: gemiddelde score sociaal-economische status", "score", S, kind="mean",
       description="CBS 86092NED; hoger is een hogere sociaal-economische status."),
    _v("particuliere_huishoudens", "Particuliere huishoudens (SES-WOA)", "aantal", S),
    # leefbaarheid en voorzieningen
    _v("afstand_huisarts", "Afstand tot huisartsenpraktijk", "km", L, "AfstandTotHuisartsenpraktijk_117",
       kind="distance"),
    _v("afstand_supermarkt", "Afstand tot grote supermarkt", "km", L, "AfstandTotGroteSupermarkt_118",
       kind="distance"),
    _v("afstand_kinderdagverblijf", "Afstand tot kinderdagverblijf", "km", L, "AfstandTotKinderdagverblijf_119",
       kind="distance"),
    _v("afstand_school", "Afstand tot school", "km", L, "AfstandTotSchool_120", kind="distance"),
    _v("scholen_binnen_3km", "Scholen binnen 3 km", "aantal", L, "ScholenBinnen3Km_121", kind="mean"),
    _v("bedrijfsvestigingen", "Bedrijfsvestigingen", "aantal", L, "BedrijfsvestigingenTotaal_102"),
    _v("personenautos", "Personenauto's", "aantal", L, "PersonenautoSTotaal_111"),
    _v("misdrijven", "Geregistreerde misdrijven (totaal)", "aantal", L,
       description="Politie via CBS 47022NED; kalenderjaar, 2025 = laatste 12 maanden tot de peildatum."),
    _v("goed_ervaren_gezondheid", "Goed of zeer goed ervaren gezondheid (18+)", "%", L, kind="pct",
       description="RIVM/GGD/CBS Gezondheidsmonitor (50150NED), modelschatting per buurt."),
    # gebied
    _v("indelingswijziging", "Indelingswijziging gemeente, wijk, buurt", "code", G,
       "IndelingswijzigingGemeenteWijkBuurt_4",
       stems=("IndelingswijzigingGemeenteWijkBuurt", "IndelingswijzigingWijkenEnBuurten"), kind="code",
       description="1 = ongewijzigd, 2 = code gewijzigd, 3 = grens gewijzigd (trendbreuk)."),
    _v("postcode_meest", "Meest voorkomende postcode (4 cijfers)", "code", G, "MeestVoorkomendePostcode_125",
       kind="code", description="Postcodegebied waarin de meeste adressen van de buurt liggen; voor de zoekfunctie."),
    _v("oppervlakte_totaal", "Oppervlakte totaal", "ha", G, "OppervlakteTotaal_122"),
    _v("oppervlakte_land", "Oppervlakte land", "ha", G, "OppervlakteLand_123"),
    _v("oppervlakte_water", "Oppervlakte water", "ha", G, "OppervlakteWater_124"),
    _v("stedelijkheid", "Mate van stedelijkheid (1 = zeer sterk, 5 = niet stedelijk)", "code", G,
       "MateVanStedelijkheid_127", kind="code"),
    _v("adressendichtheid", "Omgevingsadressendichtheid", "adressen per km²", G, "Omgevingsadressendichtheid_128",
       kind="mean"),
)

BY_KEY: dict[str, Variable] = {v.key: v for v in VARIABLES}
KWB_VARIABLES: tuple[Variable, ...] = tuple(v for v in VARIABLES if v.stems)


def variable_rows() -> list[dict]:
    """Rows of the ``variables`` table, one per catalogue variable."""
    rows = []
    for v in VARIABLES:
        rows.append({"key": v.key, "title": v.title, "unit": v.unit, "theme": v.theme, "kind": v.kind,
                     "description": v.description, "source_keys": json.dumps({str(y): k for y, k in v.kwb.items()})})
    return rows
