"""Every source the snapshot holds, with its provenance.

One record per (CBS table, republisher) pair: the publisher stays CBS (or
RIVM, Politie), the republisher is the public repository the figures reached
us through, because the machines that build the snapshot cannot reach CBS.
The records travel into ``data/snapshot/sources.json`` and the ``sources``
table, and from there to the "Over de data" page.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

CC_BY = "CC BY 4.0 — Bron: CBS"


@dataclass(frozen=True)
class Source:
    id: str
    table_id: str
    title: str
    publisher: str
    republisher: str
    via: str
    periods: str
    licence: str
    shared_path: str
    snapshot_file: str
    #: lower wins when two sources give the same region, period and variable
    priority: int
    notes: str = ""
    url: str = ""
    #: Source columns (CBS keys) whose empty cells are proven CBS zeros: where this
    #: republication overlaps a complete CBS dump, every empty cell of these columns
    #: is a 0 there (checked by tests/test_snapshot.py), so the load reads them as 0.
    empty_is_zero: tuple[str, ...] = ()
    #: Harmonised variables for which this republication is the one release of its
    #: table we use: other republications of the same table (an older release) are
    #: dropped for them, so one year never mixes two versions of a table.
    release_of_choice: tuple[str, ...] = ()

    def row(self) -> dict:
        d = asdict(self)
        return {
            "id": d["id"],
            "table_id": d["table_id"],
            "title": d["title"],
            "publisher": d["publisher"],
            "republisher": f"{d['republisher']} ({d['via']})" if d["via"] else d["republisher"],
            "periods": d["periods"],
            "licence": d["licence"],
            "url": d["url"],
            "retrieved": "",
            "checksum": "",
            "notes": d["notes"],
        }


_DERTJE = "github.com/dertje/cbs_datasets"
_WOONIK = "github.com/loukanton/woonikveilig"
_TMAP = "github.com/cran/tmap (R-pakket tmap)"

SOURCES: tuple[Source, ...] = (
    Source(
        "85984NED@dertje", "85984NED", "Kerncijfers wijken en buurten 2024", "CBS", "dertje/cbs_datasets",
        f"{_DERTJE} output_files/all_datasets/85984NED.csv @ fda64267", "2024", CC_BY,
        "kwb/kwb_2024_85984NED_partial.csv", "kwb_2024_85984NED_dertje.csv", 10,
        "Alle 130 kolommen; 7 gemeenten (Aa en Hunze, Assen, Borger-Odoorn, Coevorden, Emmen, Hardenberg, "
        "Hoogeveen) compleet, de andere zes ontbreken door afkapping van de herpublicatie op 10.000 rijen.",
        "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED/table",
    ),
    Source(
        "85984NED@niquedegraaff", "85984NED", "Kerncijfers wijken en buurten 2024 (gemeenten en wijken)", "CBS",
        "niquedegraaff/Wikipedia-Generator-CBS-Kerncijfers-Wijken-en-Buurten",
        "2024/cbs_data/stripped_filtered_data_2024.json @ 55981982", "2024", CC_BY,
        "kwb/kwb_2024_gemeente_wijk_stripped_85984NED.json", "kwb_2024_85984NED_niquedegraaff.csv", 20,
        "Alle 13 gemeenten, alleen gemeente- en wijkniveau, 8 variabelen.",
        "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED/table",
    ),
    Source(
        "85984NED@woonikveilig", "85984NED", "Kerncijfers wijken en buurten 2024 (deelselectie)", "CBS",
        "loukanton/woonikveilig", f"{_WOONIK} data/gemeente/GMxxxx.json @ 1fc8a40b", "2024", CC_BY,
        "kwb/woonikveilig_kwb2024_crime_health_13gm.csv", "kwb_2024_85984NED_woonikveilig.csv", 30,
        "Ongeveer 20 KWB-variabelen voor alle 13 gemeenten, door de herpublicist hernoemd; hier terugvertaald "
        "naar de CBS-sleutels. Vult De Wolden, Meppel, Midden-Drenthe, Noordenveld, Tynaarlo en Westerveld aan. "
        "Lege cellen zijn hier zowel CBS-nullen als geheime waarden: waar deze herpublicatie de volledige "
        "CBS-dump (dertje, 7 gemeenten) overlapt, is elke lege cel bij inwoners (10 van 10), 0-14 jaar (38/38), "
        "65+ (25/25) en huishoudens (18/18) een CBS-0; die vier kolommen lezen we daarom als 0. Bij andere "
        "kolommen (bv. koopwoningen: 3 nullen, 70 geheim) is dat niet bewezen en blijft leeg 'geheim'. "
        "WOZ 2024: dit is de latere release van 85984NED (peildatum 19-07-2026; nabije voorzieningen en "
        "inkomen zijn hier al ingevuld, in de dertje-dump nog niet). De twee releases verschillen in 164 van "
        "635 overlappende WOZ-waarden; we gebruiken voor WOZ 2024 alleen deze release, voor alle gebieden.",
        "https://opendata.cbs.nl/statline/#/CBS/nl/dataset/85984NED/table",
        empty_is_zero=("AantalInwoners_5", "k_0Tot15Jaar_8", "k_65JaarOfOuder_12", "HuishoudensTotaal_29"),
        release_of_choice=("woz_waarde",),
    ),
    Source(
        "85318NED@tmap", "85318NED", "Kerncijfers wijken en buurten 2022 (wijken en gemeenten)", "CBS",
        "tmap (R)", f"{_TMAP} data/NLD_dist.rda, NLD_muni.rda @ 202b8f6e", "2022", CC_BY,
        "kwb/wijken_2022_tmap_attributes.csv", "kwb_2022_85318NED_tmap.csv", 15,
        "Door de tmap-auteurs hernoemd; leeftijdsaandelen zijn afgeronde percentages.",
    ),
    Source(
        "85383NED@dertje", "85383NED", "Verdeelmaatstaven gemeentefonds 2023-2025 (Financiële-verhoudingswet)",
        "CBS (dataderden, voor BZK)", "dertje/cbs_datasets", f"{_DERTJE} 85383NED.csv @ fda64267", "2023-2025",
        "open data van derden via CBS; bronvermelding CBS", "gemeente/dataderden_85383NED_gemeenten_2023_2025.csv",
        "gemeente_2023_2025_85383NED.csv", 40,
        "Definitieve cijfers gaan voor voorlopige. Woningvoorraad (WoningTotaal) alleen voor 2023: 2024 komt "
        "uit KWB 2024 (gelijk aan deze tabel), 2025 is alleen voorlopig.",
    ),
    Source(
        "60039fvw@dertje", "60039fvw", "Verdeelmaatstaven gemeentefonds 2007-2023 (Financiële-verhoudingswet)",
        "CBS (dataderden, voor BZK)", "dertje/cbs_datasets", f"{_DERTJE} 60039fvw.csv @ ef80a472", "2007-2023",
        "open data van derden via CBS; bronvermelding CBS", "gemeente/dataderden_60039fvw_gemeenten_2007_2023.csv",
        "gemeente_2007_2023_60039fvw.csv", 50,
        "Bevolkingskolommen zijn na 2017 leeg. Woningvoorraad: 2007-2012 uit Woningvoorraad, 2015-2022 uit "
        "WoningTotaal (2013-2014 leeg); WoningTotaal 2022 en 2024 (85383NED) zijn gelijk aan KWB-woningvoorraad "
        "(op 2 gemeenten na, verschil < 60 woningen): daarom dezelfde variabele, met een bronwissel als breuk.",
    ),
    Source(
        "81880NED@dertje", "81880NED", "Verdeelmaatstaven gemeentefonds 1997-2006 (Financiële-verhoudingswet)",
        "CBS (dataderden, voor BZK)", "dertje/cbs_datasets", f"{_DERTJE} 81880NED.csv @ d06c9ccb", "1997-2006",
        "open data van derden via CBS; bronvermelding CBS", "gemeente/dataderden_81880NED_gemeenten_1997_2006.csv",
        "gemeente_1997_2006_81880NED.csv", 55,
    ),
    Source(
        "80860ned@dertje", "80860ned", "Kerncijfers per gemeente 1999-2009", "CBS (dataderden)",
        "dertje/cbs_datasets", f"{_DERTJE} 80860ned.csv @ d06c9ccb", "1999-2009",
        "open data van derden via CBS; bronvermelding CBS", "gemeente/dataderden_80860ned_gemeenten_1999_2009.csv",
        "gemeente_1999_2009_80860ned.csv", 60, "Aantallen afgerond op tientallen.",
    ),
    Source(
        "47022NED@woonikveilig", "47022NED", "Geregistreerde misdrijven; soort misdrijf, wijk en buurt",
        "Politie, via CBS (dataderden)", "loukanton/woonikveilig", f"{_WOONIK} data/gemeente/GMxxxx.json @ 1fc8a40b",
        "2021-2025", "open data (Politie via CBS); bronvermelding CBS/Politie",
        "kwb/woonikveilig_kwb2024_crime_health_13gm.csv", "misdrijven_47022NED_woonikveilig.csv", 10,
        "Totaal misdrijven per kalenderjaar; 2025 = laatste 12 maanden tot de peildatum van de herpublicatie "
        "(juli 2026). Geen wijkcijfers.",
    ),
    Source(
        "50150NED@woonikveilig", "50150NED", "Gezondheidsmonitor volwassenen en ouderen; wijken en buurten",
        "RIVM / GGD'en / CBS", "loukanton/woonikveilig", f"{_WOONIK} data/gemeente/GMxxxx.json @ 1fc8a40b",
        "2012-2024", "CC BY 4.0 — Bron: RIVM/CBS", "kwb/woonikveilig_kwb2024_crime_health_13gm.csv",
        "gezondheid_50150NED_woonikveilig.csv", 10,
        "Modelschattingen (small area estimation) van het aandeel volwassenen met goed ervaren gezondheid.",
    ),
    Source(
        "86092NED@dertje", "86092NED", "Sociaal-economische status (SES-WOA); scores per wijk en buurt",
        "CBS", "dertje/cbs_datasets", f"{_DERTJE} 86092NED.csv @ fda64267", "2014-2023", CC_BY,
        "kwb/ses_woa_2014_2023_86092NED_aa_en_hunze.csv", "ses_woa_86092NED_dertje.csv", 10,
        "Alleen Aa en Hunze (afkapping van de herpublicatie).",
    ),
    Source(
        "84314NED@dertje", "84314NED", "Energieverbruik particuliere woningen; woningtype, wijken en buurten, 2017",
        "CBS", "dertje/cbs_datasets", f"{_DERTJE} 84314NED.csv @ 19ce4e16", "2017", CC_BY,
        "energy/energieverbruik_woningen_2017_84314NED_partial.csv", "energie_2017_84314NED_dertje.csv", 10,
        "Totaal woningen; 8 gemeenten (afkapping). Dit is elektriciteitsverbruik (variabele elektriciteit_verbruik), "
        "niet de netto levering die de KWB vanaf 2021 geeft (elektriciteit_gemiddeld): twee maten, twee reeksen.",
    ),
    Source(
        "86097NED@dertje", "86097NED", "Woonplaatsen in Nederland 2025", "CBS", "dertje/cbs_datasets",
        f"{_DERTJE} 86097NED.csv @ fda64267", "2025", CC_BY,
        "lookup/woonplaatsen_in_nederland_2025_86097NED.csv", "woonplaatsen_2025_86097NED.csv", 10,
        "Namen van woonplaatsen, gebruikt voor de standaardindeling in dorpen.",
    ),
)

GEO_SOURCES: tuple[Source, ...] = (
    Source(
        "wijkbuurtkaart-2022@tmap", "wijkbuurtkaart", "Wijk- en buurtkaart 2022: gemeenten en wijken (gegeneraliseerd)",
        "CBS / Kadaster", "tmap (R)", f"{_TMAP} NLD_muni.rda, NLD_dist.rda @ 202b8f6e", "2022",
        "CC BY 4.0 — CBS / Kadaster",
        "geo/wijken_2022_tmap.geojson", "geo/wijken_2022.geojson", 10,
    ),
    Source(
        "wijkbuurtkaart-2013@tmap", "wijkbuurtkaart", "Gemeentegrenzen 2013 (gegeneraliseerd)", "CBS / Kadaster",
        "tmap (R)", f"{_TMAP} NLD_muni.rda @ 7ab1e91f", "2013", "CC BY 4.0 — CBS / Kadaster",
        "geo/gemeenten_2013_tmap.geojson", "geo/gemeenten_2013.geojson", 10,
    ),
    Source(
        "buurtkaart-2019@emielsanders", "wijkbuurtkaart", "Buurtgrenzen 2019/2020 (sterk gegeneraliseerd)",
        "CBS / Kadaster", "emielsanders/PowerBI", "github.com/emielsanders/PowerBI buurten.json @ 3cc8e53d",
        "2019", "CC BY 4.0 — CBS / Kadaster", "geo/buurten_2019-2020_emielsanders_powerbi.geojson",
        "geo/buurten_2019.geojson", 10, "Indeling 2019 of 2020; niet vermeld door de herpublicist.",
    ),
    Source(
        "buurtkaart-2024-benaderd@woonikveilig", "wijkbuurtkaart", "Buurtgrenzen 2024, BENADERD",
        "CBS / Kadaster", "loukanton/woonikveilig",
        f"{_WOONIK} data/geo-buurt/GMxxxx.json @ 335273e4 (SVG, teruggerekend naar RD)", "2024",
        "CC BY 4.0 — CBS / Kadaster", "geo/buurten_2024_woonikveilig_approx_georef.geojson",
        "geo/buurten_2024_benaderd.geojson", 10,
        "Gereconstrueerd uit schematische SVG-paden: positie ongeveer 100-400 m onnauwkeurig. "
        "Alleen geschikt voor kaarten op gemeenteschaal.",
    ),
)

BY_ID = {s.id: s for s in SOURCES + GEO_SOURCES}
