"""Reading a quantity's period in each language: one table per language of how people write
"per month", "every two weeks", "twice a year", and phrases that name a moment, not a rhythm.

Each row is (text, amount, unit, per), the amount converted to the stored periods (week,
month, year, once): a day is a working day (5 a week), a quarter's amount is spread over
three months, "every two weeks" is half the amount per week.
"""
from __future__ import annotations

import pytest

from matchmaker.analysis import analyse
from matchmaker.quantities import extract_quantity

FRENCH = [
    ("2 tonnes de vêtements usagés à collecter chaque mois", 2, "t", "month"),
    ("Nous avons 2 tonnes de textiles, chaque mois", 2, "t", "month"),
    ("Environ 700 kg par semaine", 700, "kg", "week"),
    ("500 kg chaque semaine", 500, "kg", "week"),
    ("50 kg toutes les semaines", 50, "kg", "week"),
    ("5 tonnes tous les mois", 5, "t", "month"),
    ("3 tonnes tous les trimestres", 1, "t", "month"),
    ("Tous les ans, environ 4 tonnes de palettes", 4, "t", "year"),
    ("10 tonnes annuellement", 10, "t", "year"),
    ("10 tonnes /an", 10, "t", "year"),
    ("10 t/an", 10, "t", "year"),
    ("20 tonnes de bois par an", 20, "t", "year"),
    ("2 tonnes l'an", 2, "t", "year"),
    ("Une collecte mensuelle de 400 kg", 400, "kg", "month"),
    ("2 tonnes mensuellement", 2, "t", "month"),
    ("200 kg hebdomadaires", 200, "kg", "week"),
    ("30 kg de pain quotidiennement", 150, "kg", "week"),
    ("900 kg par jour ouvrable", 4500, "kg", "week"),
    ("6 tonnes trimestriellement", 2, "t", "month"),
    ("3 tonnes par semestre", 6, "t", "year"),
    ("80 kg tous les 15 jours", 40, "kg", "week"),
    ("120 pièces toutes les deux semaines", 60, "units", "week"),
    ("300 kg deux fois par mois", 600, "kg", "month"),
    ("Nous avons 12 palettes une fois par mois", 12, "units", "month"),
    ("1 tonne bimensuelle", 2, "t", "month"),
    ("2 tonnes en une fois", 2, "t", "once"),
    ("Un lot de 35 ordinateurs", 35, "units", "once"),
]
DUTCH = [
    ("Elke maand zo een 300 kg versleten werkkledij", 300, "kg", "month"),
    ("2 ton per maand", 2, "t", "month"),
    ("4 ton elk jaar", 4, "t", "year"),
    ("Ieder jaar 40 fietsen", 40, "units", "year"),
    ("Zo'n 3000 kg op jaarbasis", 3000, "kg", "year"),
    ("80 paletten wekelijks", 80, "units", "week"),
    ("Een maandelijkse ophaling van 400 kg", 400, "kg", "month"),
    ("Jaarlijks 1,5 ton", 1.5, "t", "year"),
    ("Dagelijks 30 kg brood", 150, "kg", "week"),
    ("1.500 kg per kwartaal", 500, "kg", "month"),
    ("6 ton driemaandelijks", 2, "t", "month"),
    ("3 ton per half jaar", 6, "t", "year"),
    ("5 ton halfjaarlijks", 10, "t", "year"),
    ("Elke twee weken 5 ton", 2.5, "t", "week"),
    ("1 ton om de 14 dagen", 0.5, "t", "week"),
    ("600 kg tweewekelijks", 300, "kg", "week"),
    ("40 kg, twee keer per maand", 80, "kg", "month"),
    ("50 kg 2x per week", 100, "kg", "week"),
    ("100 kg/week", 100, "kg", "week"),
    ("14 toestellen in één keer", 14, "units", "once"),
    ("Eenmalig 7 ton", 7, "t", "once"),
]
ENGLISH = [
    ("About 2 tonnes of broken crates every month", 2, "t", "month"),
    ("We produce 12 kg per month", 12, "kg", "month"),
    ("2 tons a month", 2, "t", "month"),
    ("about 1,200 units a year", 1200, "units", "year"),
    ("30 tonnes of stretch film a year", 30, "t", "year"),
    ("500 kg each week", 500, "kg", "week"),
    ("40 m3 yearly", 40, "m3", "year"),
    ("20 kg of bread daily", 100, "kg", "week"),
    ("9 tonnes quarterly", 3, "t", "month"),
    ("200 kg, half-yearly", 400, "kg", "year"),
    ("2 tons every other week", 1, "t", "week"),
    ("90 kg every two weeks", 45, "kg", "week"),
    ("300 kg fortnightly", 150, "kg", "week"),
    ("500 kg twice a year", 1000, "kg", "year"),
    ("600 kg once a week", 600, "kg", "week"),
    ("5 tonnes per annum", 5, "t", "year"),
    ("About 35 bikes", 35, "units", "once"),
    ("A one-off batch of 80 laptops", 80, "units", "once"),
]


def _check(text: str, language: str, amount: float, unit: str, per: str) -> None:
    q = extract_quantity(text, language)
    assert q is not None, text
    assert (q.amount, q.unit, q.per) == (pytest.approx(amount), unit, per), q


@pytest.mark.parametrize("text, amount, unit, per", FRENCH)
def test_french_periods(text, amount, unit, per):
    _check(text, "fr", amount, unit, per)


@pytest.mark.parametrize("text, amount, unit, per", DUTCH)
def test_dutch_periods(text, amount, unit, per):
    _check(text, "nl", amount, unit, per)


@pytest.mark.parametrize("text, amount, unit, per", ENGLISH)
def test_english_periods(text, amount, unit, per):
    _check(text, "en", amount, unit, per)


@pytest.mark.parametrize("text, language", [
    ("300 kg à enlever à la fin de la semaine", "fr"),
    ("2 tonnes de cartons depuis l'an dernier", "fr"),
    ("300 kg, op te halen tegen het einde van de maand", "nl"),
    ("100 kg in week 12", "nl"),
    ("We have 300 kg of textiles to be collected by the end of the month", "en"),
])
def test_a_moment_is_no_period(text, language):
    q = extract_quantity(text, language)
    assert q is not None and q.per == "once", q


def test_a_period_belongs_to_the_nearest_amount_before_it():
    q = extract_quantity("2 tonnes de textiles et 300 kg de cuir chaque mois", "fr")
    assert (q.amount, q.unit, q.per) == (300, "kg", "month")


def test_analysis_of_a_french_stream_reads_the_period_whatever_the_language_detected():
    text = ("Vêtements de travail usagés. Nous avons environ 2 tonnes de vêtements de travail "
            "usagés à collecter chaque mois à Namur.")
    for language in (None, "fr"):
        q = analyse(text, language).quantity
        assert (q.amount, q.unit, q.per) == (2, "t", "month")
