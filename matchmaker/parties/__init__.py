"""The parties' voice in the review: a company or social enterprise says of a suggested pair
whether it is interested, and the hub of a capacity paired by another hub consents.

Both are decisions of a match (the pair is taken into review by the first voice), written
to the audit log and learnt from by the scorer; the stream's hub still decides.
"""
from .voices import VOICES, consent, own_voices, party_side, voice_interest

__all__ = ["VOICES", "consent", "own_voices", "party_side", "voice_interest"]
