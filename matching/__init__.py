"""Aiguilleur's pure matching engine: knowledge loading, French normalisation, scoring,
territories and contact routing. No Telegram, no SQLite, no network."""

from .analyzer import Analyzer, Term
from .answer import Answer, Contact, Orientation, ProgrammeStatus, Ranked, Ref, Social, Status, Territory
from .contacts import ContactRouter, de_form, de_region
from .engine import MAX_QUERY_CHARS, Engine
from .loader import Knowledge, KnowledgeError, Problem, default_knowledge_dir, load_knowledge
from .normalise import fold, words
from .schema import CatalogueFile, ContactsFile, Entry, Fact, Vocabulary

__all__ = [
    "MAX_QUERY_CHARS",
    "Analyzer",
    "Answer",
    "CatalogueFile",
    "Contact",
    "ContactRouter",
    "ContactsFile",
    "Engine",
    "Entry",
    "Fact",
    "Knowledge",
    "KnowledgeError",
    "Orientation",
    "Problem",
    "ProgrammeStatus",
    "Ranked",
    "Ref",
    "Social",
    "Status",
    "Term",
    "Territory",
    "Vocabulary",
    "de_form",
    "de_region",
    "default_knowledge_dir",
    "fold",
    "load_knowledge",
    "words",
]
