"""Every label a report shows, in Dutch, French and English.

The workbook and the CSV file are written outside any web request, so their words live
here, next to the domain, as the engine's reasons do (`engine/explain.py`); the pages use
the same labels for objectives, KPIs and activity kinds (`api/web/labels.py`). Vocabulary
ids (materials, organisation kinds, ...) keep their labels in `matchmaker.taxonomy`.
An unknown code is shown as it is rather than hidden.
"""
from __future__ import annotations

import datetime as dt

from babel.dates import format_date

from matchmaker import taxonomy

from .periods import Period

LANGUAGES: tuple[str, ...] = ("nl", "fr", "en")

OBJECTIVE: dict[str, tuple[str, str, str]] = {
    "networking": ("Netwerking", "Mise en réseau", "Networking"),
    "awareness": ("Sensibilisering", "Sensibilisation", "Awareness"),
    "new_initiatives_social_impact": ("Nieuwe initiatieven met sociale impact",
                                      "Nouvelles initiatives à impact social",
                                      "New initiatives with social impact"),
    "new_assignments_social_economy": ("Nieuwe opdrachten voor de sociale economie",
                                       "Nouvelles missions pour l'économie sociale",
                                       "New assignments for the social economy"),
}
# Sheet names: at most 31 characters, numbered as the programme numbers its objectives.
OBJECTIVE_SHEET: dict[str, tuple[str, str, str]] = {
    "networking": ("1 Netwerking", "1 Réseau", "1 Networking"),
    "awareness": ("2 Sensibilisering", "2 Sensibilisation", "2 Awareness"),
    "new_initiatives_social_impact": ("3 Nieuwe initiatieven", "3 Nouvelles initiatives",
                                      "3 New initiatives"),
    "new_assignments_social_economy": ("4 Nieuwe opdrachten", "4 Nouvelles missions",
                                       "4 New assignments"),
}
KPI: dict[str, tuple[str, str, str]] = {
    "network_activities": ("Netwerkactiviteiten", "Activités de réseau", "Network activities"),
    "network_participants": ("Deelnemers aan netwerkactiviteiten",
                             "Participants aux activités de réseau",
                             "Participants in network activities"),
    "organisations_reached": ("Bereikte organisaties", "Organisations touchées",
                              "Organisations reached"),
    "organisations_active": ("Actieve organisaties", "Organisations actives",
                             "Active organisations"),
    "awareness_activities": ("Sensibiliseringsactiviteiten", "Activités de sensibilisation",
                             "Awareness activities"),
    "awareness_participants": ("Deelnemers aan sensibiliseringsactiviteiten",
                               "Participants aux activités de sensibilisation",
                               "Participants in awareness activities"),
    "streams_registered": ("Geregistreerde materiaalstromen", "Flux de matières enregistrés",
                           "Material streams registered"),
    "capacities_registered": ("Geregistreerde capaciteiten", "Capacités enregistrées",
                              "Capacities registered"),
    "suggestions_reviewed": ("Beoordeelde voorstellen", "Suggestions examinées",
                             "Suggestions reviewed"),
    "acceptance_rate": ("Aanvaardingsgraad", "Taux d'acceptation", "Acceptance rate"),
    "new_circular_initiatives": ("Nieuwe circulaire initiatieven",
                                 "Nouvelles initiatives circulaires",
                                 "New circular initiatives"),
    "median_days_to_first_accepted_match": (
        "Mediaan aantal dagen tot de eerste aanvaarde match",
        "Nombre médian de jours jusqu'à la première correspondance acceptée",
        "Median days to the first accepted match"),
    "matches_accepted": ("Aanvaarde matches", "Correspondances acceptées", "Matches accepted"),
    "matches_introduced": ("Matches in contact gebracht", "Correspondances mises en contact",
                           "Matches introduced"),
    "new_assignments": ("Nieuwe opdrachten", "Nouvelles missions", "New assignments"),
    "matches_completed": ("Afgeronde matches", "Correspondances réalisées", "Matches completed"),
    "assignment_volume_kg": ("Afgesproken volume (kg)", "Volume convenu (kg)",
                             "Agreed volume (kg)"),
    "completed_volume_kg": ("Verwerkt volume (kg)", "Volume réalisé (kg)",
                            "Completed volume (kg)"),
    "target_group_fte": ("VTE doelgroep", "ETP groupe cible", "Target group FTE"),
    "target_group_hours": ("Uren doelgroep", "Heures groupe cible", "Target group hours"),
    "activities": ("Activiteiten", "Activités", "Activities"),
    "participants": ("Deelnemers", "Participants", "Participants"),
}
ACTIVITY: dict[str, tuple[str, str, str]] = {
    "network_event": ("netwerkevent", "événement de réseau", "network event"),
    "info_session": ("infosessie", "séance d'information", "info session"),
    "hackathon": ("hackathon", "hackathon", "hackathon"),
    "training": ("opleiding", "formation", "training"),
    "coaching": ("coaching", "accompagnement", "coaching"),
    "material_map": ("materiaalkaart", "carte des matières", "material map"),
    "other": ("andere activiteit", "autre activité", "other activity"),
}
UNIT: dict[str, tuple[str, str, str]] = {
    "activities": ("activiteiten", "activités", "activities"),
    "participants": ("deelnemers", "participants", "participants"),
    "organisations": ("organisaties", "organisations", "organisations"),
    "streams": ("stromen", "flux", "streams"),
    "capacities": ("capaciteiten", "capacités", "capacities"),
    "matches": ("matches", "correspondances", "matches"),
    "ratio": ("%", "%", "%"),
    "agreements": ("overeenkomsten", "accords", "agreements"),
    "days": ("dagen", "jours", "days"),
    "kg": ("kg", "kg", "kg"),
    "FTE": ("VTE", "ETP", "FTE"),
    "hours": ("uren", "heures", "hours"),
}
# as the pages word a match's status
STATUS: dict[str, tuple[str, str, str]] = {
    "proposed": ("voorgesteld", "proposé", "proposed"),
    "accepted": ("aanvaard", "accepté", "accepted"),
    "rejected": ("afgewezen", "refusé", "rejected"),
    "introduced": ("in contact gebracht", "mis en contact", "introduced"),
    "agreed": ("afspraak gemaakt", "accord conclu", "agreed"),
    "completed": ("afgerond", "réalisé", "completed"),
    "withdrawn": ("ingetrokken", "retiré", "withdrawn"),
}
# What keeps a pair from serving a stream well (`opportunities.shortfalls`).
SHORTFALL: dict[str, tuple[str, str, str]] = {
    "material": ("ander materiaal of slechts een deel", "autre matériau ou une partie seulement",
                 "other material, or only part of it"),
    "service": ("dienst niet aangeboden", "service non proposé", "service not offered"),
    "radius": ("buiten het werkgebied", "hors de la zone d'action", "outside the service area"),
    "capacity": ("te weinig capaciteit", "capacité insuffisante", "not enough capacity"),
    "certification": ("certificaat ontbreekt", "certification manquante",
                      "certification missing"),
    "availability": ("beschikbaarheid overlapt niet", "disponibilités sans recouvrement",
                     "availability does not overlap"),
}
REGION: dict[str, tuple[str, str, str]] = {
    "BRU": ("Brussel", "Bruxelles", "Brussels"),
    "VBR": ("Vlaams-Brabant", "Brabant flamand", "Flemish Brabant"),
    "WBR": ("Waals-Brabant", "Brabant wallon", "Walloon Brabant"),
    "ANT": ("Antwerpen", "Anvers", "Antwerp"),
    "LIM": ("Limburg", "Limbourg", "Limburg"),
    "LIE": ("Luik", "Liège", "Liège"),
    "NAM": ("Namen", "Namur", "Namur"),
    "HAI": ("Henegouwen", "Hainaut", "Hainaut"),
    "LUX": ("Luxemburg", "Luxembourg", "Luxembourg"),
    "WVL": ("West-Vlaanderen", "Flandre-Occidentale", "West Flanders"),
    "OVL": ("Oost-Vlaanderen", "Flandre-Orientale", "East Flanders"),
    "": ("onbekend", "inconnue", "unknown"),
}
TEXT: dict[str, tuple[str, str, str]] = {
    "yearly_report": ("Jaarrapport {year}", "Rapport annuel {year}", "Yearly report {year}"),
    "period_report": ("KPI-rapport {first} – {last}", "Rapport des indicateurs {first} – {last}",
                      "KPI report {first} – {last}"),
    "programme_report": ("Programma Circulair Werk(t) {year}",
                         "Programme Circulair Werk(t) {year}",
                         "Circulair Werk(t) programme {year}"),
    "period": ("Periode", "Période", "Period"),
    "made_on": ("Opgemaakt op", "Établi le", "Made on"),
    "summary": ("Overzicht", "Synthèse", "Summary"),
    "months": ("Per maand", "Par mois", "Month by month"),
    "agreements": ("Overeenkomsten", "Accords", "Agreements"),
    "opportunities": ("Kansen", "Opportunités", "Opportunities"),
    "flows": ("Stromen tussen hubs", "Flux entre hubs", "Flows between hubs"),
    "objective": ("Doelstelling", "Objectif", "Objective"),
    "kpi": ("KPI", "Indicateur", "KPI"),
    "unit": ("Eenheid", "Unité", "Unit"),
    "value": ("Waarde", "Valeur", "Value"),
    "target": ("Doel", "Objectif chiffré", "Target"),
    "programme_target": ("Programmadoel", "Objectif du programme", "Programme target"),
    "progress": ("Voortgang", "Progression", "Progress"),
    "progress_percent": ("Voortgang (%)", "Progression (%)", "Progress (%)"),
    "previous_year": ("Vorig jaar", "Année précédente", "Previous year"),
    "growth": ("Groei", "Croissance", "Growth"),
    "growth_percent": ("Groei (%)", "Croissance (%)", "Growth (%)"),
    "month": ("Maand", "Mois", "Month"),
    "from": ("Van", "Du", "From"),
    "until": ("Tot en met", "Au", "Until"),
    "hub": ("Hub", "Hub", "Hub"),
    "agreed_on": ("Akkoord op", "Accord le", "Agreed on"),
    "stream_organisation": ("Organisatie van de stroom", "Organisation du flux",
                            "Organisation of the stream"),
    "capacity_organisation": ("Sociale onderneming", "Entreprise sociale", "Social enterprise"),
    "capacity_hub": ("Hub van de sociale onderneming", "Hub de l'entreprise sociale",
                     "Hub of the social enterprise"),
    "materials": ("Materialen", "Matières", "Materials"),
    "volume_kg": ("Volume (kg)", "Volume (kg)", "Volume (kg)"),
    "fte": ("VTE doelgroep", "ETP groupe cible", "Target group FTE"),
    "hours": ("Uren doelgroep", "Heures groupe cible", "Target group hours"),
    "new_service": ("Nieuwe dienst", "Nouveau service", "New service"),
    "status": ("Status", "Statut", "Status"),
    "yes": ("ja", "oui", "yes"),
    "no": ("nee", "non", "no"),
    "total": ("Totaal", "Total", "Total"),
    "material": ("Materiaal", "Matière", "Material"),
    "region": ("Regio", "Région", "Region"),
    "streams": ("Stromen", "Flux", "Streams"),
    "kg_per_month": ("kg per maand", "kg par mois", "kg per month"),
    "stream": ("Materiaalstroom", "Flux de matières", "Material stream"),
    "capacity": ("Capaciteit", "Capacité", "Capacity"),
    "organisation": ("Organisatie", "Organisation", "Organisation"),
    "municipality": ("Gemeente", "Commune", "Municipality"),
    "nearest": ("Bijna passend", "Presque adapté", "Almost fits"),
    "misses": ("Wat ontbreekt", "Ce qui manque", "What is missing"),
    "unserved_streams": ("Stromen zonder goede match", "Flux sans bonne correspondance",
                         "Streams without a good match"),
    "idle_capacities": ("Capaciteit met ruimte en zonder stroom",
                        "Capacités disponibles sans flux", "Capacities with room and no stream"),
    "spare_kg_per_month": ("Vrije ruimte (kg per maand)", "Capacité libre (kg par mois)",
                           "Spare room (kg per month)"),
    "not_computed": ("Niet berekend in dit rapport.", "Non calculé dans ce rapport.",
                     "Not computed for this report."),
    "none_found": ("Geen gevonden.", "Aucun trouvé.", "None found."),
    "weighted_score": ("Gewogen score", "Score pondéré", "Weighted score"),
    "weight": ("Gewicht", "Poids", "Weight"),
    "score_note": (
        "Score per doelstelling: gemiddelde voortgang van de KPI's met een doel (tot 100%); "
        "gewogen score: gewogen gemiddelde van de doelstellingen.",
        "Score par objectif : progression moyenne des indicateurs ayant un objectif chiffré "
        "(jusqu'à 100 %) ; score pondéré : moyenne pondérée des objectifs.",
        "Score per objective: mean progress of its KPIs with a target (up to 100%); "
        "weighted score: the objectives' weighted mean."),
    "stream_hub": ("Hub van de stroom", "Hub du flux", "Hub of the stream"),
    "matches_taken": ("Matches in behandeling genomen", "Correspondances prises en charge",
                      "Matches taken into review"),
    "accepted": ("Aanvaard", "Acceptées", "Accepted"),
    "agreed": ("Akkoord", "Accords", "Agreed"),
    "all_hubs": ("Alle hubs", "Tous les hubs", "All hubs"),
}


def _pick(table: dict[str, tuple[str, str, str]], code: str, language: str) -> str:
    labels = table.get(code)
    if labels is None:
        return code
    return labels[LANGUAGES.index(language) if language in LANGUAGES else 2]


def text(key: str, language: str, **values: object) -> str:
    return _pick(TEXT, key, language).format(**values)


def objective(code: str, language: str) -> str:
    return _pick(OBJECTIVE, code, language)


def objective_sheet(code: str, language: str) -> str:
    return _pick(OBJECTIVE_SHEET, code, language)


def activity(code: str, language: str) -> str:
    return _pick(ACTIVITY, code, language)


def unit(code: str, language: str) -> str:
    return _pick(UNIT, code, language)


def status(code: str, language: str) -> str:
    return _pick(STATUS, code, language)


def shortfall(code: str, language: str) -> str:
    return _pick(SHORTFALL, code, language)


def region(code: str, language: str) -> str:
    return _pick(REGION, code, language)


def kpi(code: str, language: str) -> str:
    """`activities.training` -> "Activities: training"; the part after the dot is an
    activity kind or an organisation kind."""
    head, _dot, kind = code.partition(".")
    if not kind:
        return _pick(KPI, code, language)
    detail = (activity(kind, language) if kind in ACTIVITY
              else taxonomy.label("organisation_kind", kind, language))
    colon = "\u00a0:" if language == "fr" else ":"  # French sets its colon apart
    return f"{_pick(KPI, head, language)}{colon} {detail}"


def material(code: str, language: str) -> str:
    return taxonomy.label("material", code, language) if code else region("", language)


def long_date(day: dt.date, language: str) -> str:
    return format_date(day, "long", locale=language if language in LANGUAGES else "en")


def report_title(period: Period, language: str) -> str:
    """"Jaarrapport 2026" for a calendar year, else the period's first and last day."""
    if period.is_calendar_year:
        return text("yearly_report", language, year=period.start.year)
    return text("period_report", language, first=long_date(period.start, language),
                last=long_date(period.last_day, language))
