"""Free-text analysis: materials, services, certifications, quantities, radius, workforce."""
from __future__ import annotations

import numpy as np
import pytest

from matchmaker.analysis import CONFIDENT, analyse, detect_language
from matchmaker.quantities import extract_quantity


def _ids(suggestions) -> set[str]:
    return {s.id for s in suggestions if s.confidence >= CONFIDENT}


@pytest.mark.parametrize("text, material", [
    ("Wij hebben een grote partij afgedankte werkkleding en overalls", "workwear"),
    ("Nous avons des tenues de travail usagées", "workwear"),
    ("Used uniforms and coveralls from our staff", "workwear"),
    ("Bij ons staan nog bedrijfsfietsen die niemand gebruikt", "bicycles"),
    ("Gezocht: partner voor onze oude kantoorstoelen en bureaus", "office_furniture"),
    ("Onze koelkasten en diepvriezers zijn aan vervanging toe", "large_appliances"),
    ("Des vélos abandonnés dans notre parking", "bicycles"),
    ("Spent coffee grounds from our canteen", "coffee_grounds"),
    ("Restpartij europaletten op onze site", "pallets"),
    ("Stapels oude schoolboeken en stripverhalen", "books_media"),
    ("Wij hebben een lading gebruikte matrassen", "mattresses"),
    ("Snoeiafval en grasmaaisel van de groendienst", "green_waste"),
    ("Plastic kratten die tussen magazijn en winkels pendelen", "plastic_crates"),
    ("Afgedankte reclamebanners en spandoeken van events", "banners_pvc"),
    ("Oude laptops en beeldschermen van ons kantoor", "ict_equipment"),
    ("Des ordinateurs portables et des écrans", "ict_equipment"),
    ("Nous jetons chaque semaine des invendus alimentaires", "food_surplus"),
    ("Carrelages et briques d'une démolition", "tiles_bricks"),
])
def test_material_found_in_three_languages(text, material):
    assert material in _ids(analyse(text).materials)


@pytest.mark.parametrize("text, material", [
    ("Wie kan onze gebruikte kledingg ophalen?", "clothing"),       # doubled letter
    ("Wij hebben oude matrasssen over", "mattresses"),               # tripled letter
    ("Veel fietwrakken in de stalling", "bicycles"),                 # dropped letter in a compound
    ("Oude computres van de boekhouding", "ict_equipment"),         # swapped letters
])
def test_typos_are_tolerated(text, material):
    assert material in _ids(analyse(text).materials)


def test_typos_inside_phrases_are_tolerated():
    assert "green_waste" in _ids(analyse("Deechets verts de nos parcs").materials)
    assert "refurbishment" in _ids(analyse("Qui peut les remetre en état ?").services)
    assert "mattresses" in _ids(analyse("Wij hebben martassen te geef").materials)


def test_compound_words_are_split():
    a = analyse("Wij doen de textielinzameling voor de gemeente", role="capacity")
    assert "textiles" in _ids(a.materials)
    assert "collection" in _ids(a.services)


def test_compound_service_in_a_stream_is_no_wish():
    a = analyse("Na onze speelgoedinzameling hebben we te veel speelgoed. Wie kan het sorteren?")
    assert _ids(a.services) == {"sorting"}


@pytest.mark.parametrize("text, service", [
    ("Klanten brengen toestellen terug die we niet meer als nieuw kunnen verkopen.", "resale"),
    ("Ils ne peuvent pas être réparés.", "repair"),
    ("These pallets cannot be repaired any more.", "repair"),
])
def test_negated_service_is_not_wanted(text, service):
    assert service not in _ids(analyse(text).services)


def test_negation_stops_at_an_obligation():
    a = analyse("Wat niet herbruikbaar is, moet voorbereid worden op recyclage.")
    assert "recycling_preparation" in _ids(a.services)


def test_place_names_are_not_read_as_compounds():
    assert "metals" not in _ids(analyse("Afgedankte laptops in Brasschaat").materials)


@pytest.mark.parametrize("text, parent", [
    ("Oude elektronica uit onze kantoren", "electronics"),
    ("Old electronic devices from the lab", "electronics"),
    ("Een berg oud textiel", "textiles"),
    ("Houtafval van onze werkplaats", "wood"),
])
def test_vague_text_gives_the_parent_material(text, parent):
    assert parent in _ids(analyse(text).materials)


def test_parent_cue_strengthens_a_weak_child_cue():
    a = analyse("Brood en gebak van gisteren: de overschotten van onze bakkerij")
    assert "food_surplus" in _ids(a.materials) and "food" not in _ids(a.materials)


def test_products_named_as_upcycling_examples_are_not_the_material():
    a = analyse("Glazen bokalen. Misschien kunnen er nieuwe producten van gemaakt worden, bv. lampen of meubels.")
    assert _ids(a.materials) == {"glass"}


def test_registration_phrase_is_no_service():
    a = analyse("Wij hebben een registratie als inzamelaar en vervoerder van afvalstoffen.", role="capacity")
    assert "logistics" not in _ids(a.services)
    assert "waste_transport_registration" in _ids(a.certifications)


def test_specific_material_hides_its_vague_parent():
    materials = _ids(analyse("Elektronica: vooral groot elektro zoals wasmachines").materials)
    assert "large_appliances" in materials and "electronics" not in materials


@pytest.mark.parametrize("text, service", [
    ("Wie kan dit komen halen?", "collection"),
    ("Qui peut venir les chercher ?", "collection"),
    ("Can someone pick it up next week?", "collection"),
    ("Het moet allemaal gesorteerd worden", "sorting"),
    ("Pouvez-vous les trier ?", "sorting"),
    ("Kan iemand de toestellen herstellen of repareren?", "repair"),
    ("Na een opknapbeurt zijn ze weer bruikbaar", "refurbishment"),
    ("Ils peuvent être reconditionnés et revendus", "refurbishment"),
    ("Wie kan de wasmachines ontmantelen?", "dismantling"),
    ("Une entreprise pourrait-elle les démonter ?", "dismantling"),
    ("All data must be wiped before reuse", "data_wiping"),
    ("Effacement des données obligatoire", "data_wiping"),
    ("Mag doorverkocht worden in een kringwinkel", "resale"),
    ("Looking for someone to resell them", "resale"),
    ("Van de banners kunnen tassen of nieuwe producten gemaakt worden", "upcycling"),
    ("Ze moeten eerst grondig gewassen worden", "cleaning"),
    ("Te herverdelen via de voedselbank", "redistribution"),
    ("À redistribuer aux personnes dans le besoin", "redistribution"),
    ("Het groenafval kan gecomposteerd worden", "composting"),
    ("We zoeken iemand voor transport en logistiek", "logistics"),
    ("What cannot be reused must be prepared for recycling", "recycling_preparation"),
])
def test_services_wanted(text, service):
    assert service in _ids(analyse(text, role="stream").services)


def test_services_offered_by_a_capacity():
    text = ("Ons maatwerkbedrijf (12 doelgroepwerknemers) doet de ophaling, sortering en herstelling "
            "van fietsen. Werkgebied: 30 km rond onze vestiging.")
    a = analyse(text, role="capacity")
    assert {"collection", "sorting", "repair"} <= _ids(a.services)
    assert a.service_radius_km == 30
    assert a.target_group_fte == 12


@pytest.mark.parametrize("text, radius", [
    ("Ophaling binnen 25 km.", 25), ("Nous intervenons dans un rayon de 30 km.", 30),
    ("We collect within 40 km of Ghent.", 40), ("Actief in de regio (tot ongeveer 15 km).", 15),
])
def test_service_radius(text, radius):
    assert analyse(text, role="capacity").service_radius_km == radius


@pytest.mark.parametrize("text, fte", [
    ("Wij bieden werk aan 18 mensen met een afstand tot de arbeidsmarkt.", 18),
    ("A social enterprise employing 55 people.", 55),
    ("Notre atelier emploie 22 travailleurs du groupe cible.", 22),
    ("Our team of 40 in Ostend.", 40),
])
def test_target_group_fte(text, fte):
    assert analyse(text, role="capacity").target_group_fte == fte


def test_radius_and_fte_only_read_for_capacities():
    a = analyse("Ophaling binnen 25 km, 18 mensen", role="stream")
    assert a.service_radius_km is None and a.target_group_fte is None


@pytest.mark.parametrize("text, certification", [
    ("Gecertificeerde datawissing is verplicht", "certified_data_wiping"),
    ("Wij vragen een attest van datavernietiging per toestel", "certified_data_wiping"),
    ("De harde schijven moeten veilig gewist worden, met certificaat", "certified_data_wiping"),
    ("Enkel partners met een WEEE-vergunning", "weee_treatment_permit"),
    ("Le prestataire doit avoir un permis de traitement DEEE", "weee_treatment_permit"),
    ("Registratie als erkend vervoerder van afvalstoffen vereist", "waste_transport_registration"),
    ("We hold registration as a waste collector and carrier", "waste_transport_registration"),
    ("De partner moet geregistreerd zijn bij het FAVV", "food_safety_registration"),
    ("Enregistrement AFSCA indispensable", "food_safety_registration"),
    ("Our purchasing requires ISO 14001", "iso_14001"),
])
def test_certifications(text, certification):
    assert certification in _ids(analyse(text).certifications)


@pytest.mark.parametrize("text, language, expected", [
    ("Jaarlijks 1,5 ton per jaar", "nl", (1.5, "t", "year")),
    ("Het gaat om ongeveer 80 paletten wekelijks.", "nl", (80, "units", "week")),
    ("Zo'n 3000 kg op jaarbasis.", "nl", (3000, "kg", "year")),
    ("Ongeveer 120 fietsen per jaar.", "nl", (120, "units", "year")),
    ("Environ 700 kg par semaine.", "fr", (700, "kg", "week")),
    ("Nous avons 45 pièces par mois.", "fr", (45, "units", "month")),
    ("About 35 bikes.", "en", (35, "units", "once")),
    ("We produce 12 kg per month.", "en", (12, "kg", "month")),
    ("Hoeveelheid: 7 ton.", "nl", (7, "t", "once")),
    ("We kunnen tot 11 ton per maand verwerken.", "nl", (11, "t", "month")),
    ("Capaciteit: 400 paletten per week.", "nl", (400, "units", "week")),
    ("Capaciteit: ca. 150 m³ per maand.", "nl", (150, "m3", "month")),
    ("Volume: 20 m3 per jaar", "nl", (20, "m3", "year")),
    ("1.200 stuks per jaar", "nl", (1200, "units", "year")),
    ("2,5 ton per maand", "nl", (2.5, "t", "month")),
    ("about 1,200 units a year", "en", (1200, "units", "year")),
    ("Het gaat om 14 toestellen in één keer.", "nl", (14, "units", "once")),
    ("Dagelijks 30 kg brood", "nl", (150, "kg", "week")),
    ("Ongeveer 100 kg/week", "nl", (100, "kg", "week")),
    ("Tous les mois environ 2 tonnes", "fr", (2, "t", "month")),
    ("1.500 kg per kwartaal", "nl", (500, "kg", "month")),
    ("Nous pouvons traiter jusqu'à 690 matelas par mois.", "fr", (690, "units", "month")),
])
def test_quantity_parsing(text, language, expected):
    q = extract_quantity(text, language)
    assert q is not None
    assert (q.amount, q.unit, q.per) == (pytest.approx(expected[0]), expected[1], expected[2])
    assert 0 <= q.confidence <= 1


@pytest.mark.parametrize("text", [
    "Ophalen kan tussen 8u en 16u.", "We vragen een ISO 14001-certificaat.",
    "Werkgebied: 20 km rond onze vestiging.", "Sinds 2019 werken 14 mensen bij ons.",
    "Wat herbruikbaar is, wordt verkocht in onze 3 winkels.", "We hebben 500 m² opslag en 4 bestelwagens.",
])
def test_numbers_that_are_no_quantity(text):
    assert extract_quantity(text, "nl") is None


@pytest.mark.parametrize("text, language", [
    ("We hebben een partij oude fietsen die we willen laten herstellen", "nl"),
    ("Nous avons des palettes qui doivent être triées par une entreprise", "fr"),
    ("We have old laptops that need to be wiped and refurbished", "en"),
    ("Palettes en bois – à trier", "fr"),
    ("Gros électroménager – à reconditionner", "fr"),
    ("Geïnteresseerd? Dekens en donsdekens", "nl"),
    ("Old company bikes", "en"),
    ("", "nl"),
])
def test_detect_language(text, language):
    assert detect_language(text) == language


def test_ewc_codes_suggested_from_text_and_materials():
    a = analyse("Afgedankte werkkledij, EURAL 20.01.10")
    codes = {s.id: s for s in a.ewc_codes}
    assert codes["20 01 10"].confidence > 0.9
    assert "20 01 03" not in codes
    assert "15 01 03" in {s.id for s in analyse("Kapotte houten paletten").ewc_codes}


def test_six_digits_are_a_code_only_when_known_or_named():
    assert "12 34 56" not in {s.id for s in analyse("Bel ons op 12 34 56 of mail").ewc_codes}
    assert "20 01 99" in {s.id for s in analyse("Afvalcode 20 01 99, gemengd").ewc_codes}
    assert "17 04 05" in {s.id for s in analyse("Schroot (17 04 05) van de werf").ewc_codes}


def test_empty_text_gives_an_empty_analysis():
    a = analyse("")
    assert a.materials == [] and a.services == [] and a.quantity is None and a.language == "nl"


def test_confidences_are_in_unit_interval_and_carry_evidence():
    a = analyse("Gebruikte werkkledij, wie kan het ophalen en sorteren? Gecertificeerde datawissing, "
                "ongeveer 2 ton per jaar, ISO 14001 vereist. Ook laptops en fietsen.")
    for s in a.materials + a.services + a.certifications + a.ewc_codes:
        assert 0 <= s.confidence <= 1
        assert s.evidence
    assert a.quantity is not None and 0 <= a.quantity.confidence <= 1


class _KeywordEmbedder:
    """Embeds a text as the bag of a few concept words, enough to test the prototype logic."""

    name = "keyword-test"
    _axes = ("velo", "fiets", "bike", "cycl", "koffie", "coffee", "cafe")

    def encode(self, texts: list[str]) -> np.ndarray:
        rows = []
        for text in texts:
            low = text.lower()
            v = np.array([1.0 if a in low else 0.0 for a in self._axes] + [0.05])
            rows.append(v / np.linalg.norm(v))
        return np.vstack(rows)


def test_embedder_adds_materials_the_lexicon_missed():
    text = "Tweewielige cyclo-voertuigen zonder eigenaar"
    assert "bicycles" not in _ids(analyse(text).materials)
    boosted = analyse(text, embedder=_KeywordEmbedder())
    assert "bicycles" in {s.id for s in boosted.materials}
    assert all(0 <= s.confidence <= 1 for s in boosted.materials)
