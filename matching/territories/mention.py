"""One place mention found in a message (see scan.py), shared by the scanners."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Exact-name lookups per message (each costs a few dictionary probes): a long real message
# needs a few hundred; the budget keeps any text, however built, bounded.
MAX_WORK = 1500
# A town of this size is named by everyone who writes about it (see Scan._evidence).
NOTABLE_POPULATION = 10_000

Kind = Literal["commune", "departement", "region", "epci", "postal"]


@dataclass
class Mention:
    kind: Kind
    codes: tuple[str, ...]
    start: int  # first token of the name
    end: int  # token after the name
    span: tuple[int, int]  # characters, cue included
    fuzzy: bool = False
    # For an EPCI: the name as the user wrote it, legal form left out ("brest", "grand poitiers"),
    # so that an EPCI named after its central commune can resolve to that commune.
    name: str = ""
    # Attached to the sender ("mairie de X", "agence d'attractivité du Y", "nous sommes à Z", a
    # place heading the message): their own territory outranks a destination named later.
    sender: bool = False
