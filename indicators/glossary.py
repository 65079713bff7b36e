"""Plain Dutch per indicator: one sentence a village council reads without a statistics course.

Indicator id → sentence. Shown as an info tip beside each figure on the
profile page and as the short glossary at the end of the briefing PDF. Kept
apart from the registry definitions (being rewritten elsewhere) so both can
change without conflict; ``tests/test_glossary.py`` checks every registry id
has exactly one sentence here.
"""

from __future__ import annotations

PLAIN: dict[str, str] = {
    "inwoners": "Het aantal mensen dat op 1 januari in het gebied ingeschreven staat.",
    "bevolkingsdichtheid": "Hoeveel mensen er gemiddeld op één vierkante kilometer land wonen.",
    "aandeel_0_14": "Van elke 100 inwoners: hoeveel er jonger zijn dan 15 jaar.",
    "aandeel_65plus": "Van elke 100 inwoners: hoeveel er 65 jaar of ouder zijn.",
    "grijze_druk": "Het aantal 65-plussers per 100 inwoners van 15 tot 65 jaar.",
    "groene_druk": "Het aantal kinderen tot 15 jaar per 100 inwoners van 15 tot 65 jaar.",
    "aandeel_15_24": "Van elke 100 inwoners: hoeveel er tussen 15 en 25 jaar oud zijn.",
    "mannen_per_100_vrouwen": "Hoeveel mannen er wonen op elke 100 vrouwen.",
    "huishoudensgrootte": "Met hoeveel mensen een huishouden gemiddeld samenwoont.",
    "huishoudens": "Het aantal huishoudens: alleenwonenden, stellen en gezinnen samen.",
    "aandeel_eenpersoonshuishoudens": "Van elke 100 huishoudens: hoeveel uit één persoon bestaan.",
    "aandeel_huishoudens_met_kinderen": "Van elke 100 huishoudens: hoeveel er kinderen hebben die thuis wonen.",
    "natuurlijke_groei": "Geboorten min sterfgevallen in een jaar, per 1.000 inwoners; negatief betekent meer sterfte.",
    "woningvoorraad": "Het aantal woningen in het gebied, bewoond of niet.",
    "woz_gemiddeld": "De gemiddelde waarde van een woning volgens de gemeente (WOZ), op duizenden euro's.",
    "aandeel_koopwoningen": "Van elke 100 woningen: hoeveel de bewoner zelf bezit.",
    "aandeel_corporatiewoningen": "Van elke 100 woningen: hoeveel een woningcorporatie verhuurt.",
    "aandeel_particuliere_huur": "Van elke 100 woningen: hoeveel een andere verhuurder dan een corporatie verhuurt.",
    "aandeel_eengezinswoningen": "Van elke 100 woningen: hoeveel een eengezinswoning zijn "
                                 "(rijtjes-, twee-onder-een-kap- of vrijstaand huis).",
    "aandeel_meergezinswoningen": "Van elke 100 woningen: hoeveel in een gebouw met meer woningen liggen "
                                  "(appartement, flat).",
    "aandeel_onbewoond": "Van elke 100 woningen: hoeveel er op 1 januari niemand ingeschreven had.",
    "aandeel_nieuwbouw": "Van elke 100 woningen: hoeveel er in de afgelopen tien jaar gebouwd zijn.",
    "woningen_per_huishouden": "Hoeveel woningen er zijn per huishouden; boven 1 staan er woningen leeg of over.",
    "mismatch_kleine_huishoudens": "Hoeveel procentpunt het aandeel alleenwonenden hoger ligt dan het aandeel "
                                   "appartementen: een maat voor te weinig kleine woningen.",
    "ouderen_per_eengezinswoning": "Het aantal 65-plussers per eengezinswoning: hoe sterk ouderen de gezinshuizen "
                                   "bewonen.",
    "inwoners_per_woning": "Met hoeveel mensen een woning gemiddeld bewoond wordt.",
    "gasverbruik_gemiddeld": "Hoeveel aardgas (m³) een woning gemiddeld per jaar gebruikt.",
    "elektriciteit_gemiddeld": "Hoeveel stroom (kWh) een woning gemiddeld per jaar afneemt van het net.",
    "aandeel_stadsverwarming": "Van elke 100 woningen: hoeveel op een warmtenet aangesloten zijn.",
    "afstand_huisarts": "Hoe ver een inwoner gemiddeld over de weg moet naar de dichtstbijzijnde huisarts.",
    "afstand_supermarkt": "Hoe ver een inwoner gemiddeld over de weg moet naar de dichtstbijzijnde grote supermarkt.",
    "afstand_school": "Hoe ver een inwoner gemiddeld over de weg moet naar de dichtstbijzijnde basisschool.",
    "afstand_kinderdagverblijf": "Hoe ver een inwoner gemiddeld over de weg moet naar het dichtstbijzijnde "
                                 "kinderdagverblijf.",
    "scholen_binnen_3km": "Hoeveel basisscholen een inwoner gemiddeld binnen 3 kilometer heeft.",
    "misdrijven": "Het aantal misdrijven dat de politie in een jaar in het gebied registreerde.",
    "misdrijven_per_1000": "Het aantal door de politie geregistreerde misdrijven per 1.000 inwoners.",
    "goed_ervaren_gezondheid": "Van elke 100 volwassenen: hoeveel hun eigen gezondheid goed of zeer goed noemen "
                               "(een schatting van RIVM en GGD).",
    "adressendichtheid": "Hoeveel adressen er gemiddeld rond een adres liggen (per km²): een maat voor hoe stedelijk "
                         "het er is.",
    "bedrijfsvestigingen_per_1000": "Het aantal vestigingen van bedrijven per 1.000 inwoners.",
    "autos_per_huishouden": "Hoeveel personenauto's een huishouden gemiddeld heeft.",
    "stedelijkheid": "Hoe stedelijk het gebied is, van 1 (zeer sterk stedelijk) tot 5 (niet stedelijk).",
    "inkomen_per_inwoner": "Het gemiddelde persoonlijke inkomen per inwoner per jaar, in euro's.",
    "aandeel_laag_inkomen": "Van elke 100 huishoudens: hoeveel een laag inkomen hebben.",
    "aandeel_sociaal_minimum": "Van elke 100 huishoudens: hoeveel rond of onder het sociaal minimum leven.",
    "arbeidsparticipatie": "Van elke 100 inwoners van 15 tot 75 jaar: hoeveel betaald werk hebben.",
    "bijstand_per_1000": "Het aantal mensen met een bijstandsuitkering per 1.000 inwoners.",
    "wmo_per_1000": "Het aantal mensen met ondersteuning van de gemeente (Wmo, zoals huishoudelijke hulp) per 1.000 "
                    "inwoners.",
    "aandeel_hoogopgeleid": "Van elke 100 inwoners van 15 tot 75 jaar: hoeveel een hbo- of wo-opleiding hebben.",
    "ses_woa_score": "Eén score voor welvaart, opleiding en werkverleden van de huishoudens samen; hoger is "
                     "gunstiger.",
}


def plain(indicator_id: str) -> str:
    """The plain-Dutch sentence of an indicator ('' for an id without one)."""
    return PLAIN.get(indicator_id, "")
