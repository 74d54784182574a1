"""What the matchmaker tells people by e-mail, each in their organisation's language (Dutch
with "je", as the site): the introduction of two parties (with both parties' contact
persons and the match's reasons), other decisions that concern an organisation, approvals,
rejections of registrations, new registrations for the hub's facilitators, invitations.

Every mail is the hub's: from the hub's name (at the service's address), Reply-To and
signed by the facilitator who acted (`Sender`), with a link to the page it is about
(`Links`, absolute addresses built by the web layer from the configured public URL), and
the match statuses in the words the pages use."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from models import Contact, Decision, Hub, Match, Organisation, User

from . import identifiers, scoping, taxonomy
from .mail import Mail

LANGUAGES = ("nl", "fr", "en")


@dataclass(frozen=True)
class Sender:
    """Whom a mail comes from: the hub, answered and signed by one of its facilitators."""

    hub: str
    name: str
    reply_to: str | None = None

    def mail(self, to: str, subject: str, body: str) -> Mail:
        return Mail(to, subject, body, from_name=self.hub, reply_to=self.reply_to)


def sender_of(hub: Hub | None, facilitator: User | None = None) -> Sender:
    """`facilitator` when they facilitate `hub`, else the hub's first active facilitator;
    a hub without any signs with its own name."""
    hub_name = hub.name if hub is not None else "Circulair Werk(t)"
    people = [u for u in (hub.facilitators if hub is not None else [])
              if u.is_active and u.erased_at is None]
    chosen = facilitator if facilitator in people else min(people, key=lambda u: u.id,
                                                            default=None)
    if chosen is None:
        return Sender(hub_name, hub_name)
    return Sender(hub_name, chosen.display_name or chosen.email, chosen.email)


@dataclass(frozen=True)
class Links:
    """The absolute addresses mails point to; built by the web layer (its routes)."""

    login: str
    register: str
    match_for: Callable[[Match, Organisation], str]  # the match as that party sees it
    registrations: Callable[[Hub], str]  # the hub's organisations, pending ones first


TEXTS: dict[str, dict[str, str]] = {
    "signoff": {
        "nl": "Vragen? Antwoord gewoon op deze e-mail.\n\nMet circulaire groeten,\n{signer}\n"
              "{hub}",
        "fr": "Des questions\u202f? R\u00e9pondez simplement \u00e0 cet e-mail.\n\n"
              "Salutations circulaires,\n{signer}\n{hub}",
        "en": "Questions? Just reply to this e-mail.\n\nCircular regards,\n{signer}\n{hub}"},
    "introduced_subject": {
        "nl": "Kennismaking: {other} voor \u201c{stream}\u201d",
        "fr": "Mise en relation\u00a0: {other} pour \u00ab\u00a0{stream}\u00a0\u00bb",
        "en": "Introduction: {other} for \u201c{stream}\u201d"},
    "introduced_body": {
        "nl": "Goeiedag,\n\n{hub} brengt je in contact met {other} voor \u201c{stream}\u201d "
              "en \u201c{capacity}\u201d.\n{note}\nContactpersonen van {other}:\n{contact}\n\n"
              "Jouw contactpersonen, die {other} krijgt:\n{own_contact}\n\n"
              "Waarom deze match:\n{reasons}\n\nDe match bekijken: {link}\n\n"
              "Je facilitator is {signer} ({reply_to}).\n\n{signoff}",
        "fr": "Bonjour,\n\n{hub} vous met en relation avec {other} pour \u00ab\u00a0{stream}"
              "\u00a0\u00bb et \u00ab\u00a0{capacity}\u00a0\u00bb.\n{note}\nPersonnes de contact "
              "de {other}\u00a0:\n{contact}\n\nVos personnes de contact, transmises \u00e0 "
              "{other}\u00a0:\n{own_contact}\n\nPourquoi ce match\u00a0:\n{reasons}\n\n"
              "Voir le match\u00a0: {link}\n\nVotre facilitateur\u00b7rice est {signer} "
              "({reply_to}).\n\n{signoff}",
        "en": "Hello,\n\n{hub} puts you in touch with {other} for \u201c{stream}\u201d and "
              "\u201c{capacity}\u201d.\n{note}\nContact persons of {other}:\n{contact}\n\n"
              "Your contact persons, given to {other}:\n{own_contact}\n\n"
              "Why this match:\n{reasons}\n\nSee the match: {link}\n\n"
              "Your facilitator is {signer} ({reply_to}).\n\n{signoff}"},
    "decision_subject": {
        "nl": "Match {status}: \u201c{stream}\u201d",
        "fr": "Match {status}\u00a0: \u00ab\u00a0{stream}\u00a0\u00bb",
        "en": "Match {status}: \u201c{stream}\u201d"},
    "decision_body": {
        "nl": "Goeiedag,\n\nDe match tussen \u201c{stream}\u201d en \u201c{capacity}\u201d is "
              "nu: {status}.\n{note}\nDe match bekijken: {link}\n\n{signoff}",
        "fr": "Bonjour,\n\nLe match entre \u00ab\u00a0{stream}\u00a0\u00bb et \u00ab\u00a0"
              "{capacity}\u00a0\u00bb est maintenant\u00a0: {status}.\n{note}\nVoir le "
              "match\u00a0: {link}\n\n{signoff}",
        "en": "Hello,\n\nThe match between \u201c{stream}\u201d and \u201c{capacity}\u201d is "
              "now: {status}.\n{note}\nSee the match: {link}\n\n{signoff}"},
    "invitation_subject": {
        "nl": "Uitnodiging voor de matchmaker van {organisation}",
        "fr": "Invitation au matchmaker pour {organisation}",
        "en": "Invitation to the matchmaker for {organisation}"},
    "invitation_body": {
        "nl": "Goeiedag,\n\nJe bent uitgenodigd om mee te werken voor {organisation}.\n"
              "Je eenmalige code (geldig tot {expires}):\n\n{token}\n\nGebruik ze op {link}"
              "\n\n{signoff}",
        "fr": "Bonjour,\n\nVous \u00eates invit\u00e9\u00b7e \u00e0 rejoindre {organisation}."
              "\nVotre code \u00e0 usage unique (valable jusqu'au {expires})\u00a0:\n\n{token}"
              "\n\n\u00c0 utiliser sur {link}\n\n{signoff}",
        "en": "Hello,\n\nYou are invited to join {organisation}.\nYour one-time code "
              "(valid until {expires}):\n\n{token}\n\nUse it at {link}\n\n{signoff}"},
    "approved_subject": {"nl": "{organisation} is goedgekeurd",
                         "fr": "{organisation} est approuv\u00e9e",
                         "en": "{organisation} is approved"},
    "approved_body": {
        "nl": "Goeiedag,\n\n{hub} heeft de registratie van {organisation} goedgekeurd. "
              "Je kunt nu aanmelden: {link}\n\n{signoff}",
        "fr": "Bonjour,\n\n{hub} a approuv\u00e9 l'inscription de {organisation}. "
              "Vous pouvez maintenant vous connecter\u00a0: {link}\n\n{signoff}",
        "en": "Hello,\n\n{hub} approved the registration of {organisation}. "
              "You can sign in now: {link}\n\n{signoff}"},
    "rejected_subject": {"nl": "Registratie van {organisation} niet goedgekeurd",
                         "fr": "Inscription de {organisation} non approuv\u00e9e",
                         "en": "Registration of {organisation} not approved"},
    "rejected_body": {
        "nl": "Goeiedag,\n\n{hub} heeft de registratie van {organisation} niet goedgekeurd. "
              "De reden:\n\n{reason}\n\nDe gegevens van de registratie zijn gewist. Opnieuw "
              "registreren, bijvoorbeeld met verbeterde gegevens, kan op {link}\n\n{signoff}",
        "fr": "Bonjour,\n\n{hub} n'a pas approuv\u00e9 l'inscription de {organisation}. "
              "La raison\u00a0:\n\n{reason}\n\nLes donn\u00e9es de l'inscription ont \u00e9t\u00e9 "
              "effac\u00e9es. Vous pouvez vous inscrire \u00e0 nouveau, par exemple avec des "
              "donn\u00e9es corrig\u00e9es, sur {link}\n\n{signoff}",
        "en": "Hello,\n\n{hub} did not approve the registration of {organisation}. The "
              "reason:\n\n{reason}\n\nThe registration's data has been erased. You can "
              "register again, for example with corrected details, at {link}\n\n{signoff}"},
    "registration_subject": {
        "nl": "Nieuwe registratie: {organisation} wacht op goedkeuring",
        "fr": "Nouvelle inscription\u00a0: {organisation} attend votre approbation",
        "en": "New registration: {organisation} awaits approval"},
    "registration_body": {
        "nl": "Goeiedag,\n\n{organisation} heeft zich geregistreerd bij {hub} en wacht op "
              "goedkeuring.\n\nE-mailadres: {email}\nOndernemingsnummer: {number}\n"
              "Postcode en gemeente: {place}\nSoort: {kind}\nErkenningen: {recognitions}\n\n"
              "Nakijken, goedkeuren of afwijzen: {link}\n\nDe matchmaker van {hub}",
        "fr": "Bonjour,\n\n{organisation} s'est inscrite aupr\u00e8s de {hub} et attend "
              "votre approbation.\n\nAdresse e-mail\u00a0: {email}\nNum\u00e9ro d'entreprise"
              "\u00a0: {number}\nCode postal et commune\u00a0: {place}\nType\u00a0: {kind}\n"
              "Agr\u00e9ments\u00a0: {recognitions}\n\nV\u00e9rifier, approuver ou refuser"
              "\u00a0: {link}\n\nLe matchmaker de {hub}",
        "en": "Hello,\n\n{organisation} registered with {hub} and awaits approval.\n\n"
              "E-mail address: {email}\nEnterprise number: {number}\nPostcode and "
              "municipality: {place}\nKind: {kind}\nRecognitions: {recognitions}\n\n"
              "Check, approve or reject: {link}\n\nThe matchmaker of {hub}"},
    "number_checked": {"nl": "{number}, controlecijfers kloppen",
                       "fr": "{number}, chiffres de contr\u00f4le valables",
                       "en": "{number}, check digits valid"},
    "number_failed": {"nl": "{number}, controlecijfers kloppen NIET",
                      "fr": "{number}, chiffres de contr\u00f4le NON valables",
                      "en": "{number}, check digits NOT valid"},
    "none": {"nl": "geen", "fr": "aucun", "en": "none"},
    "shared": {"nl": "Gedeeld", "fr": "En commun", "en": "Shared"},
    "no_contact": {"nl": "(nog geen contactpersoon)", "fr": "(pas encore de contact)",
                   "en": "(no contact person yet)"},
}
# The words the pages show for a match's status (api/translations: "introduced", ...).
STATUS_WORDS: dict[str, dict[str, str]] = {
    "accepted": {"nl": "aanvaard", "fr": "accept\u00e9", "en": "accepted"},
    "rejected": {"nl": "afgewezen", "fr": "refus\u00e9", "en": "rejected"},
    "introduced": {"nl": "in contact gebracht", "fr": "mis en contact", "en": "introduced"},
    "agreed": {"nl": "afspraak gemaakt", "fr": "accord conclu", "en": "agreed"},
    "completed": {"nl": "afgerond", "fr": "r\u00e9alis\u00e9", "en": "completed"},
    "withdrawn": {"nl": "ingetrokken", "fr": "retir\u00e9", "en": "withdrawn"},
}


def language_of(organisation: Organisation) -> str:
    return organisation.language if organisation.language in LANGUAGES else "nl"


def _text(key: str, language: str, **values: object) -> str:
    return TEXTS[key][language].format(**values)


def _signed(key: str, language: str, sender: Sender, **values: object) -> tuple[str, str]:
    """The subject and body of mail `key`, signed by `sender`."""
    values = {"hub": sender.hub, "signer": sender.name, "reply_to": sender.reply_to or "",
              **values}
    values["signoff"] = _text("signoff", language, **values)
    return _text(f"{key}_subject", language, **values), _text(f"{key}_body", language,
                                                               **values)


def recipients(organisation: Organisation) -> list[str]:
    """The organisation's contacts with an address; its members when it has none."""
    addresses = [c.email for c in organisation.contacts if c.email and c.erased_at is None]
    return addresses or [m.email for m in organisation.members if m.is_active]


def _contact_lines(organisation: Organisation, language: str) -> str:
    contacts: list[Contact] = [c for c in organisation.contacts if c.erased_at is None]
    lines = [" \u00b7 ".join(v for v in (c.name, c.email, c.phone) if v) for c in contacts]
    return "\n".join(f"- {line}" for line in lines if line) or _text("no_contact", language)


def _reasons(match: Match, language: str, reasons: dict[str, list[str]] | None) -> str:
    """The engine's reasons when the caller has them; otherwise what the two share."""
    if reasons and reasons.get(language):
        return "\n".join(f"- {r}" for r in reasons[language])
    stream, capacity = match.stream, match.capacity
    shared = [taxonomy.label("material", m, language)
              for m in stream.materials if m in capacity.materials]
    shared += [taxonomy.label("service", s, language)
               for s in stream.services_wanted if s in capacity.services]
    return f"- {_text('shared', language)}: {', '.join(shared)}" if shared else "-"


def party_languages(match: Match) -> set[str]:
    return {language_of(match.stream.organisation), language_of(match.capacity.organisation)}


def introduction_mails(match: Match, links: Links, sender: Sender,
                       reasons: dict[str, list[str]] | None = None,
                       decision: Decision | None = None) -> list[Mail]:
    """One mail to each party, in its own language, with both parties' contact persons,
    the match's `reasons` by language (see `party_languages`), the introducing
    `decision`'s note to the parties and the facilitator's name and address."""
    note = _party_note(decision) if decision is not None else ""
    stream_org, capacity_org = match.stream.organisation, match.capacity.organisation
    mails = []
    for own, other in ((stream_org, capacity_org), (capacity_org, stream_org)):
        language = language_of(own)
        subject, body = _signed(
            "introduced", language, sender, other=other.name, stream=match.stream.title,
            capacity=match.capacity.title, contact=_contact_lines(other, language),
            own_contact=_contact_lines(own, language),
            reasons=_reasons(match, language, reasons), note=note,
            link=links.match_for(match, own))
        mails += [sender.mail(to, subject, body) for to in recipients(own)]
    return mails


def decision_mails(match: Match, decision: Decision, links: Links, sender: Sender,
                   reasons: dict[str, list[str]] | None = None) -> list[Mail]:
    """The mails a decision sends: introductions, or a status note to the parties once
    they know of the match (internal review steps are not mailed)."""
    if decision.to_status == "introduced":
        return introduction_mails(match, links, sender, reasons, decision)
    if decision.to_status not in ("agreed", "completed", "withdrawn") or \
            decision.from_status in (None, "proposed", "accepted"):
        return []
    mails = []
    for organisation in (match.stream.organisation, match.capacity.organisation):
        language = language_of(organisation)
        subject, body = _signed(
            "decision", language, sender, stream=match.stream.title,
            capacity=match.capacity.title, status=STATUS_WORDS[decision.to_status][language],
            note=_party_note(decision), link=links.match_for(match, organisation))
        mails += [sender.mail(to, subject, body) for to in recipients(organisation)]
    return mails


def _party_note(decision: Decision) -> str:
    # the parties read what `scoping` lets them: the internal note is the hub's own
    if "note_to_parties" in scoping.hidden_fields(None, Decision) or \
            not decision.note_to_parties:
        return ""
    return f"\n{decision.note_to_parties}\n"


def approval_mails(organisation: Organisation, links: Links, sender: Sender) -> list[Mail]:
    language = language_of(organisation)
    subject, body = _signed("approved", language, sender, organisation=organisation.name,
                            link=links.login)
    return [sender.mail(member.email, subject, body)
            for member in organisation.members if member.is_active]


def rejection_mails(organisation: str, addresses: list[str], language: str, reason: str,
                    links: Links, sender: Sender) -> list[Mail]:
    """The rejected registration's reason, to the addresses it was made with."""
    subject, body = _signed("rejected", language, sender, organisation=organisation,
                            reason=reason, link=links.register)
    return [sender.mail(to, subject, body) for to in addresses]


def registration_mails(organisation: Organisation, links: Links) -> list[Mail]:
    """Tell the hub's active facilitators, each in their language, what a new registration
    says: what they check before approving it."""
    hub = organisation.hub
    mails = []
    for facilitator in (hub.facilitators if hub is not None else []):
        if not facilitator.is_active or facilitator.erased_at is not None:
            continue
        language = facilitator.language if facilitator.language in LANGUAGES else "nl"
        values = _registration_facts(organisation, language)
        mails.append(Mail(facilitator.email,
                          _text("registration_subject", language, **values),
                          _text("registration_body", language, link=links.registrations(hub),
                                **values),
                          from_name=hub.name))
    return mails


def _registration_facts(organisation: Organisation, language: str) -> dict[str, str]:
    number = organisation.enterprise_number
    if number:
        checked = identifiers.enterprise_number_fault(number) is None
        number = _text("number_checked" if checked else "number_failed", language,
                       number=number)
    none = _text("none", language)
    place = " ".join(v for v in (organisation.postcode, organisation.municipality) if v)
    return {"organisation": organisation.name, "hub": organisation.hub.name,
            "email": ", ".join(m.email for m in organisation.members) or none,
            "number": number or none, "place": place or none,
            "kind": taxonomy.label("organisation_kind", organisation.kind, language),
            "recognitions": ", ".join(taxonomy.label("recognition", r, language)
                                      for r in organisation.recognitions or []) or none}


def invitation_mail(email: str, organisation: Organisation | None, language: str, token: str,
                    expires: str, link: str, sender: Sender) -> Mail:
    subject, body = _signed("invitation", language, sender,
                            organisation=organisation.name if organisation else "",
                            token=token, expires=expires, link=link)
    return sender.mail(email, subject, body)
