"""Pure rendering of dialogue replies to text: plain for the terminal, HTML for Telegram.

One set of functions, two markups, so the terminal chat and the bot say the same thing.
"""

from .card import KIND_LABELS, entry_card, render
from .contacts import contact_lines, hours_today, programme_lines, territory_line
from .facts import KIND_TITLES, dated_lines, fact_dates, fact_lines
from .markup import HTML, PLAIN, Markup
from .split import TELEGRAM_LIMIT, split_message

__all__ = [
    "HTML",
    "KIND_TITLES",
    "KIND_LABELS",
    "PLAIN",
    "TELEGRAM_LIMIT",
    "Markup",
    "contact_lines",
    "dated_lines",
    "entry_card",
    "fact_dates",
    "fact_lines",
    "hours_today",
    "programme_lines",
    "render",
    "split_message",
    "territory_line",
]
