"""What the matchmaker tells people by e-mail, each in their organisation's language:
the introduction of two parties (with the other's contact and the match's reasons),
other decisions that concern an organisation, approvals and invitations."""
from __future__ import annotations

from models import Contact, Decision, Match, Organisation

from . import scoping, taxonomy
from .mail import Mail

TEXTS: dict[str, dict[str, str]] = {
    "introduced_subject": {
        "nl": "Kennismaking: {other} voor \u201c{stream}\u201d",
        "fr": "Mise en relation : {other} pour \u00ab {stream} \u00bb",
        "en": "Introduction: {other} for \u201c{stream}\u201d"},
    "introduced_body": {
        "nl": "Goeiedag,\n\nDe hub brengt u in contact met {other} voor \u201c{stream}\u201d "
              "en \u201c{capacity}\u201d.\n{note}\nContact:\n{contact}\n\nWaarom deze match:\n"
              "{reasons}\n\nMet circulaire groeten,\nde hub",
        "fr": "Bonjour,\n\nLe hub vous met en relation avec {other} pour \u00ab {stream} \u00bb "
              "et \u00ab {capacity} \u00bb.\n{note}\nContact :\n{contact}\n\nPourquoi ce match :\n"
              "{reasons}\n\nSalutations circulaires,\nle hub",
        "en": "Hello,\n\nThe hub puts you in touch with {other} for \u201c{stream}\u201d and "
              "\u201c{capacity}\u201d.\n{note}\nContact:\n{contact}\n\nWhy this match:\n{reasons}\n\n"
              "Circular regards,\nthe hub"},
    "decision_subject": {
        "nl": "Match {status}: \u201c{stream}\u201d", "fr": "Match {status} : \u00ab {stream} \u00bb",
        "en": "Match {status}: \u201c{stream}\u201d"},
    "decision_body": {
        "nl": "Goeiedag,\n\nDe match tussen \u201c{stream}\u201d en \u201c{capacity}\u201d is "
              "nu: {status}.\n{note}\nde hub",
        "fr": "Bonjour,\n\nLe match entre \u00ab {stream} \u00bb et \u00ab {capacity} \u00bb "
              "est maintenant : {status}.\n{note}\nle hub",
        "en": "Hello,\n\nThe match between \u201c{stream}\u201d and \u201c{capacity}\u201d is "
              "now: {status}.\n{note}\nthe hub"},
    "invitation_subject": {
        "nl": "Uitnodiging voor de matchmaker van {organisation}",
        "fr": "Invitation au matchmaker pour {organisation}",
        "en": "Invitation to the matchmaker for {organisation}"},
    "invitation_body": {
        "nl": "Goeiedag,\n\nU bent uitgenodigd om mee te werken voor {organisation}.\n"
              "Uw eenmalige code (geldig tot {expires}):\n\n{token}\n\nGebruik ze op {link}",
        "fr": "Bonjour,\n\nVous \u00eates invit\u00e9\u00b7e \u00e0 rejoindre {organisation}.\n"
              "Votre code \u00e0 usage unique (valable jusqu'au {expires}) :\n\n{token}\n\n"
              "\u00c0 utiliser sur {link}",
        "en": "Hello,\n\nYou are invited to join {organisation}.\nYour one-time code "
              "(valid until {expires}):\n\n{token}\n\nUse it at {link}"},
    "approved_subject": {"nl": "{organisation} is goedgekeurd", "fr": "{organisation} est approuv\u00e9e",
                         "en": "{organisation} is approved"},
    "approved_body": {
        "nl": "Goeiedag,\n\nDe hub heeft de registratie van {organisation} goedgekeurd. "
              "U kunt nu aanmelden.\n\nde hub",
        "fr": "Bonjour,\n\nLe hub a approuv\u00e9 l'inscription de {organisation}. "
              "Vous pouvez maintenant vous connecter.\n\nle hub",
        "en": "Hello,\n\nThe hub approved the registration of {organisation}. "
              "You can sign in now.\n\nthe hub"},
    "shared": {"nl": "Gedeeld", "fr": "En commun", "en": "Shared"},
    "no_contact": {"nl": "(nog geen contactpersoon)", "fr": "(pas encore de contact)",
                   "en": "(no contact person yet)"},
}
STATUS_WORDS: dict[str, dict[str, str]] = {
    "accepted": {"nl": "aanvaard", "fr": "accept\u00e9", "en": "accepted"},
    "rejected": {"nl": "afgewezen", "fr": "refus\u00e9", "en": "rejected"},
    "agreed": {"nl": "afgesproken", "fr": "convenu", "en": "agreed"},
    "completed": {"nl": "afgerond", "fr": "termin\u00e9", "en": "completed"},
    "withdrawn": {"nl": "ingetrokken", "fr": "retir\u00e9", "en": "withdrawn"},
}


def language_of(organisation: Organisation) -> str:
    return organisation.language if organisation.language in ("nl", "fr", "en") else "nl"


def _text(key: str, language: str, **values: object) -> str:
    return TEXTS[key][language].format(**values)


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


def introduction_mails(match: Match, reasons: dict[str, list[str]] | None = None,
                       decision: Decision | None = None) -> list[Mail]:
    """One mail to each party, in its own language, with the other's contact, the
    match's `reasons` by language (see `party_languages`) and the introducing
    `decision`'s note to the parties."""
    note = _party_note(decision) if decision is not None else ""
    stream_org, capacity_org = match.stream.organisation, match.capacity.organisation
    mails = []
    for own, other in ((stream_org, capacity_org), (capacity_org, stream_org)):
        language = language_of(own)
        values = {"other": other.name, "stream": match.stream.title,
                  "capacity": match.capacity.title,
                  "contact": _contact_lines(other, language),
                  "reasons": _reasons(match, language, reasons), "note": note}
        mails += [Mail(to, _text("introduced_subject", language, **values),
                       _text("introduced_body", language, **values))
                  for to in recipients(own)]
    return mails


def decision_mails(match: Match, decision: Decision,
                   reasons: dict[str, list[str]] | None = None) -> list[Mail]:
    """The mails a decision sends: introductions, or a status note to the parties once
    they know of the match (internal review steps are not mailed)."""
    if decision.to_status == "introduced":
        return introduction_mails(match, reasons, decision)
    if decision.to_status not in ("agreed", "completed", "withdrawn") or \
            decision.from_status in (None, "proposed", "accepted"):
        return []
    mails = []
    for organisation in (match.stream.organisation, match.capacity.organisation):
        language = language_of(organisation)
        values = {"stream": match.stream.title, "capacity": match.capacity.title,
                  "status": STATUS_WORDS[decision.to_status][language],
                  "note": _party_note(decision)}
        mails += [Mail(to, _text("decision_subject", language, **values),
                       _text("decision_body", language, **values))
                  for to in recipients(organisation)]
    return mails


def _party_note(decision: Decision) -> str:
    # the parties read what `scoping` lets them: the internal note is the hub's own
    if "note_to_parties" in scoping.hidden_fields(None, Decision) or \
            not decision.note_to_parties:
        return ""
    return f"\n{decision.note_to_parties}\n"


def approval_mails(organisation: Organisation) -> list[Mail]:
    language = language_of(organisation)
    values = {"organisation": organisation.name}
    return [Mail(member.email, _text("approved_subject", language, **values),
                 _text("approved_body", language, **values))
            for member in organisation.members if member.is_active]


def invitation_mail(email: str, organisation: Organisation | None, language: str, token: str,
                    expires: str, link: str) -> Mail:
    values = {"organisation": organisation.name if organisation else "", "token": token,
              "expires": expires, "link": link}
    return Mail(email, _text("invitation_subject", language, **values),
                _text("invitation_body", language, **values))
