"""Finding an erased person's address, name and phone in mails as they are stored: headers
with encoded words, bodies in quoted-printable (soft line breaks inside long addresses) or
base64. The mails are written by the real `Mailer` into its outbox."""
from __future__ import annotations

from email.message import EmailMessage

import pytest

from matchmaker.config import Settings
from matchmaker.gdpr import Traces
from matchmaker.mail import Mail, Mailer, decoded_text

LONG_ADDRESS = "aankoopdienst.facilitair-beheer@ziekenhuisnetwerk-schelde-en-durme.example"
PERSON = Traces(email=LONG_ADDRESS, name="Renée Van den Abeele", phone="+32 9 123 45 67")


@pytest.fixture
def mailer(tmp_path) -> Mailer:
    return Mailer(Settings(home=tmp_path, database_url="sqlite://", secret_key="x"))


def _stored(mailer: Mailer, mail: Mail) -> bytes:
    mailer.send([mail])
    [path] = mailer.outbox_files()
    raw = path.read_bytes()
    path.unlink()
    return raw


def _introduction(contact_line: str) -> Mail:
    body = (f"Goeiedag,\n\nDe hub brengt u in contact met \u201cKringwinkel Noord\u201d.\n\n"
            f"Contact:\n- {contact_line}\n\nMet circulaire groeten,\nde hub")
    return Mail("partner@example.org", "Kennismaking: Kringwinkel \u201cNoord\u201d", body)


def test_a_long_address_split_by_quoted_printable_is_found(mailer):
    raw = _stored(mailer, _introduction(
        f"Aankoopdienst \u00b7 {LONG_ADDRESS} \u00b7 {'x' * 30}"))
    assert b"quoted-printable" in raw and LONG_ADDRESS.encode() not in raw
    assert PERSON.found_in_mail(raw)


def test_the_name_and_the_phone_are_found_in_any_spacing_and_case(mailer):
    name_only = _stored(mailer, _introduction("REN\u00c9E  van den\nAbeele"))
    phone_only = _stored(mailer, _introduction("Onthaal \u00b7 +32.9.123.45.67"))
    assert PERSON.found_in_mail(name_only)
    assert PERSON.found_in_mail(phone_only)


def test_encoded_headers_and_base64_bodies_are_decoded():
    message = EmailMessage()
    message["To"] = f"Ren\u00e9e Van den Abeele <{LONG_ADDRESS}>"
    message["Subject"] = "Kennismaking"
    message.set_content("Bel +3291234567 \u2014 dank u", cte="base64")
    raw = message.as_bytes()
    assert b"=?utf-8?" in raw and b"base64" in raw and b"+3291234567" not in raw
    text = decoded_text(raw)
    assert "Ren\u00e9e Van den Abeele" in text and "+3291234567" in text
    assert Traces(name="Ren\u00e9e Van den Abeele").found_in_mail(raw)
    assert Traces(phone="+32 9 123 45 67").found_in_mail(raw)


def test_html_entities_do_not_hide_an_address():
    message = EmailMessage()
    message["To"] = "partner@example.org"
    message.set_content("<p>aankoopdienst.facilitair-beheer&#64;ziekenhuisnetwerk-schelde-en-"
                        "durme.example</p>", subtype="html")
    assert PERSON.found_in_mail(message.as_bytes())


def test_other_people_and_lookalikes_are_not_found(mailer):
    raw = _stored(mailer, _introduction(
        "Ren\u00e9 Vandenabeele \u00b7 onthaal@ziekenhuisnetwerk-schelde-en-durme.example "
        "\u00b7 +32 9 123 45 68 \u00b7 Ren\u00e9es-Van-den-Abeeleplein 1"))
    assert not PERSON.found_in_mail(raw)
    assert not Traces().found_in_mail(raw) and not Traces()


def test_forget_removes_only_the_mails_holding_the_person(mailer):
    mailer.send([_introduction(f"Aankoopdienst \u00b7 {LONG_ADDRESS}"),
                 _introduction("Jan Peeters \u00b7 jan@example.org"),
                 Mail(LONG_ADDRESS, "Uitnodiging", "Uw code: 123")])
    assert mailer.forget(PERSON.found_in_mail) == 2
    [left] = mailer.outbox_files()
    assert "Jan Peeters" in decoded_text(left.read_bytes())


def test_what_was_erased_does_not_show_when_printed_or_logged():
    assert LONG_ADDRESS not in repr(PERSON) and "Abeele" not in f"{PERSON} {[PERSON]}"
