"""The mails about accounts, in the reader's language (nl with "je", fr with "vous", en).

Registrations, invitations and requests for a sign-in link answer the caller alike
whatever exists; these mails are where the address's owner learns what happened: the
registration went ahead, the address has an account already, the organisation is
registered already, or here is a link to sign in.
"""
from __future__ import annotations

from collections.abc import Callable

from models import User

from ..mail import Mail
from ..notifications import Sender, sender_of
from ..onboarding import InvitationSent, RegistrationReceived
from .links import LINK_LIFETIME

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
              "de {hub}. Les facilitateurs du hub la v\u00e9rifient\u202f; vous recevrez un e-mail "
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
              "het heeft al een account bij de matchmaker. Meld je aan op {login}\n"
              "Wachtwoord vergeten? Vraag een aanmeldlink aan op {forgot}\n\n"
              "Was jij dit niet? Dan hoef je niets te doen.\n\n{signature}",
        "fr": "Bonjour,\n\nQuelqu'un a voulu inscrire {organisation} avec cette adresse, mais "
              "elle a d\u00e9j\u00e0 un compte sur le matchmaker. Connectez-vous sur {login}\n"
              "Mot de passe oubli\u00e9\u202f? Demandez un lien de connexion sur {forgot}\n\n"
              "Ce n'\u00e9tait pas vous\u202f? Vous n'avez rien \u00e0 faire.\n\n{signature}",
        "en": "Hello,\n\nSomeone wanted to register {organisation} with this address, but it "
              "already has an account with the matchmaker. Sign in at {login}\n"
              "Forgot your password? Ask for a sign-in link at {forgot}\n\n"
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
              "inviter\u00a0: cette invitation vous permettra de cr\u00e9er votre compte.\n\n"
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
              "travailler pour {organisation}\u202f? Demandez-le au facilitateur de votre hub.\n\n"
              "{signature}",
        "en": "Hello,\n\nYou were invited to join {organisation}, but this address already "
              "has an account with the matchmaker. Sign in at {login}\nDo you want to work "
              "for {organisation} from now on? Ask your hub's facilitator.\n\n{signature}"},
    "sign_in_link_subject": {
        "nl": "Je aanmeldlink voor de matchmaker",
        "fr": "Votre lien de connexion au matchmaker",
        "en": "Your sign-in link for the matchmaker"},
    "sign_in_link_body": {
        "nl": "Goeiedag,\n\nMet deze link meld je je aan, ook als je wachtwoord na te veel "
              "pogingen geblokkeerd is. Je kunt er meteen een nieuw wachtwoord mee kiezen. "
              "De link werkt \u00e9\u00e9n keer, {minutes} minuten lang:\n\n{link}\n\n"
              "Vroeg jij geen link aan? Dan hoef je niets te doen: je wachtwoord blijft wat "
              "het was.\n\n{signature}",
        "fr": "Bonjour,\n\nCe lien vous connecte, m\u00eame si votre mot de passe est "
              "bloqu\u00e9 apr\u00e8s trop de tentatives. Vous pouvez aussi y choisir un "
              "nouveau mot de passe. Le lien fonctionne une fois, pendant {minutes} "
              "minutes\u00a0:\n\n{link}\n\nVous n'avez pas demand\u00e9 de lien\u202f? Vous n'avez rien "
              "\u00e0 faire\u00a0: votre mot de passe ne change pas.\n\n{signature}",
        "en": "Hello,\n\nThis link signs you in, even when your password is locked after too "
              "many attempts. You can also choose a new password with it. The link works "
              "once, for {minutes} minutes:\n\n{link}\n\nDid you not ask for a link? Then "
              "there is nothing to do: your password stays as it was.\n\n{signature}"},
    "no_account_subject": {
        "nl": "Aanmeldlink voor de matchmaker",
        "fr": "Lien de connexion au matchmaker",
        "en": "Sign-in link for the matchmaker"},
    "no_account_body": {
        "nl": "Goeiedag,\n\nIemand vroeg een aanmeldlink aan voor dit e-mailadres, maar er "
              "hoort geen actief account bij de matchmaker bij. Wacht je nog op de goedkeuring "
              "van je registratie? Dan krijg je een e-mail zodra je kunt aanmelden. Je "
              "organisatie registreren kan op {register}\n\nVroeg jij niets aan? Dan hoef "
              "je niets te doen.\n\n{signature}",
        "fr": "Bonjour,\n\nQuelqu'un a demand\u00e9 un lien de connexion pour cette "
              "adresse, mais elle n'a pas de compte actif sur le matchmaker. Vous attendez "
              "l'approbation de votre inscription\u202f? Vous recevrez un e-mail d\u00e8s que vous "
              "pourrez vous connecter. Pour inscrire votre organisation\u00a0: {register}\n\n"
              "Vous n'avez rien demand\u00e9\u202f? Vous n'avez rien \u00e0 faire.\n\n"
              "{signature}",
        "en": "Hello,\n\nSomeone asked for a sign-in link for this address, but it has no "
              "active account with the matchmaker. Waiting for your registration to be "
              "approved? You will get an e-mail once you can sign in. To register your "
              "organisation: {register}\n\nDid you not ask for anything? Then there is "
              "nothing to do.\n\n{signature}"},
}


def _language(language: str | None) -> str:
    return language if language in LANGUAGES else "nl"


def mail(to: str, key: str, language: str | None, sender: Sender | None = None,
         **values: object) -> Mail:
    """The mail `key` (its `_subject` and `_body` texts) to `to`, in `language`; from the
    hub and signed by its facilitator when a `sender` is given, else from the service."""
    language = _language(language)
    signature = f"{sender.name}\n{sender.hub}" if sender is not None else SIGNATURE
    values = {"signature": signature, **values}
    subject = TEXTS[f"{key}_subject"][language].format(**values)
    body = TEXTS[f"{key}_body"][language].format(**values)
    return sender.mail(to, subject, body) if sender is not None else Mail(to, subject, body)


def registration_mail(received: RegistrationReceived, login: str, forgot: str) -> Mail:
    """The one mail a registration sends, to the address given, whatever happened."""
    values = {"organisation": received.name, "hub": received.hub.name}
    if received.holder is not None:
        return mail(received.email, "account_exists", received.holder.language, login=login,
                    forgot=forgot, **values)
    # about joining a hub: the hub's mail, answered by its facilitator
    sender = sender_of(received.hub)
    if received.known_number is not None:
        return mail(received.email, "number_known", received.language, sender,
                    number=received.known_number, **values)
    return mail(received.email, "registration_received", received.language, sender,
                **values)


def known_address_invitation_mail(sent: InvitationSent, holder: User, login: str) -> Mail:
    """Instead of a code: the invited address has an account already (in its language)."""
    return mail(sent.email, "invited_known", holder.language, login=login,
                organisation=sent.organisation.name)


def sign_in_link_mail(email: str, user: User | None, secret: str | None, language: str,
                      link: Callable[[str], str], register: str) -> Mail:
    """The answer to a request for a sign-in link, by mail only: the link (`link(secret)`,
    in the account's language), or word that the address has no active account."""
    if user is None or secret is None:
        return mail(email, "no_account", language, register=register)
    return mail(email, "sign_in_link", user.language, link=link(secret),
                minutes=int(LINK_LIFETIME.total_seconds() // 60))
