"""The mails about accounts, in the reader's language (nl with "je", fr with "vous", en).

Registrations, invitations and requests for a sign-in link answer the caller alike
whatever exists; these mails are where the address's owner learns what happened: the
registration went ahead, the address has an account already, the organisation is
registered already, or here is a link to sign in.
"""
from __future__ import annotations

from models import User

from ..mail import Mail
from ..onboarding import InvitationSent, RegistrationReceived

LANGUAGES = ("nl", "fr", "en")
SIGNATURE = "Circulair Werk(t)"

TEXTS: dict[str, dict[str, str]] = {
    "registration_received_subject": {
        "nl": "Registratie van {organisation} ontvangen",
        "fr": "Inscription de {organisation} re\u00e7ue",
        "en": "Registration of {organisation} received"},
    "registration_received_body": {
        "nl": "Goeiedag,\n\nWe hebben de registratie van {organisation} bij {hub} ontvangen. "
              "De facilitators van de hub kijken ze na; je krijgt een e-mail zodra je kunt "
              "aanmelden.\n\n{signature}",
        "fr": "Bonjour,\n\nNous avons re\u00e7u l'inscription de {organisation} aupr\u00e8s "
              "de {hub}. Les facilitateurs du hub la v\u00e9rifient ; vous recevrez un e-mail "
              "d\u00e8s que vous pourrez vous connecter.\n\n{signature}",
        "en": "Hello,\n\nWe received the registration of {organisation} with {hub}. The hub's "
              "facilitators check it; you will get an e-mail as soon as you can sign in.\n\n"
              "{signature}"},
    "account_exists_subject": {
        "nl": "Je hebt al een account bij de matchmaker",
        "fr": "Vous avez d\u00e9j\u00e0 un compte sur le matchmaker",
        "en": "You already have an account with the matchmaker"},
    "account_exists_body": {
        "nl": "Goeiedag,\n\nIemand wilde {organisation} registreren met dit e-mailadres, maar "
              "het heeft al een account bij de matchmaker. Meld je aan op {login}\n\n"
              "Was jij dit niet? Dan hoef je niets te doen.\n\n{signature}",
        "fr": "Bonjour,\n\nQuelqu'un a voulu inscrire {organisation} avec cette adresse, mais "
              "elle a d\u00e9j\u00e0 un compte sur le matchmaker. Connectez-vous sur {login}\n\n"
              "Ce n'\u00e9tait pas vous ? Vous n'avez rien \u00e0 faire.\n\n{signature}",
        "en": "Hello,\n\nSomeone wanted to register {organisation} with this address, but it "
              "already has an account with the matchmaker. Sign in at {login}\n\n"
              "Was it not you? Then there is nothing to do.\n\n{signature}"},
    "number_known_subject": {
        "nl": "Ondernemingsnummer {number} is al geregistreerd",
        "fr": "Le num\u00e9ro d'entreprise {number} est d\u00e9j\u00e0 inscrit",
        "en": "Enterprise number {number} is already registered"},
    "number_known_body": {
        "nl": "Goeiedag,\n\nJe wilde {organisation} registreren bij {hub}, maar een organisatie "
              "met ondernemingsnummer {number} is al geregistreerd. Vraag haar leden of de "
              "facilitator van de hub om je uit te nodigen: met die uitnodiging maak je je "
              "account aan.\n\n{signature}",
        "fr": "Bonjour,\n\nVous avez voulu inscrire {organisation} aupr\u00e8s de {hub}, mais "
              "une organisation avec le num\u00e9ro d'entreprise {number} est d\u00e9j\u00e0 "
              "inscrite. Demandez \u00e0 ses membres ou au facilitateur du hub de vous "
              "inviter : cette invitation vous permettra de cr\u00e9er votre compte.\n\n"
              "{signature}",
        "en": "Hello,\n\nYou wanted to register {organisation} with {hub}, but an organisation "
              "with enterprise number {number} is already registered. Ask its members or the "
              "hub's facilitator to invite you: the invitation lets you create your account."
              "\n\n{signature}"},
    "invited_known_subject": {
        "nl": "Uitnodiging voor {organisation}",
        "fr": "Invitation pour {organisation}",
        "en": "Invitation for {organisation}"},
    "invited_known_body": {
        "nl": "Goeiedag,\n\nJe werd uitgenodigd om mee te werken voor {organisation}, maar dit "
              "e-mailadres heeft al een account bij de matchmaker. Meld je aan op {login}\n"
              "Wil je voortaan voor {organisation} werken? Vraag het aan de facilitator van "
              "je hub.\n\n{signature}",
        "fr": "Bonjour,\n\nVous avez \u00e9t\u00e9 invit\u00e9\u00b7e \u00e0 rejoindre "
              "{organisation}, mais cette adresse a d\u00e9j\u00e0 un compte sur le "
              "matchmaker. Connectez-vous sur {login}\nVous souhaitez d\u00e9sormais "
              "travailler pour {organisation} ? Demandez-le au facilitateur de votre hub.\n\n"
              "{signature}",
        "en": "Hello,\n\nYou were invited to join {organisation}, but this address already "
              "has an account with the matchmaker. Sign in at {login}\nDo you want to work "
              "for {organisation} from now on? Ask your hub's facilitator.\n\n{signature}"},
}


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else "nl"


def mail(to: str, key: str, language: str | None, **values: object) -> Mail:
    """The mail `key` (its `_subject` and `_body` texts) to `to`, in `language`."""
    language = _language(language)
    values = {"signature": SIGNATURE, **values}
    return Mail(to, TEXTS[f"{key}_subject"][language].format(**values),
                TEXTS[f"{key}_body"][language].format(**values))


def registration_mail(received: RegistrationReceived, login: str) -> Mail:
    """The one mail a registration sends, to the address given, whatever happened."""
    values = {"organisation": received.name, "hub": received.hub.name}
    if received.holder is not None:
        return mail(received.email, "account_exists", received.holder.language, login=login,
                    **values)
    if received.known_number is not None:
        return mail(received.email, "number_known", received.language,
                    number=received.known_number, **values)
    return mail(received.email, "registration_received", received.language, **values)


def known_address_invitation_mail(sent: InvitationSent, holder: User, login: str) -> Mail:
    """Instead of a code: the invited address has an account already (in its language)."""
    return mail(sent.email, "invited_known", holder.language, login=login,
                organisation=sent.organisation.name)
