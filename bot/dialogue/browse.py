"""Browsing the catalogue without a need: themes, a theme's entries, pages of the catalogue."""

from __future__ import annotations

from matching import Engine

from .model import Choice, Reply, action, index, label

__all__ = ["MAX_THEMES", "PAGE_SIZE", "Browser"]

PAGE_SIZE = 6
MAX_THEMES = 11


class Browser:
    """Replies that list the catalogue; every choice opens an entry card or another page."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def themes(self) -> list[str]:
        """Themes of the catalogue, most used first (ties in order of first appearance)."""
        counts: dict[str, int] = {}
        for entry in self.engine.entries:
            for theme in entry.themes:
                counts[theme] = counts.get(theme, 0) + 1
        return sorted(counts, key=lambda t: -counts[t])

    def themes_reply(self, text: str = "Choisissez un thème :") -> Reply:
        """The most used themes, and the whole catalogue for anything else."""
        choices = [
            Choice(label(t[:1].upper() + t[1:], 40), action("t", str(i)))
            for i, t in enumerate(self.themes()[:MAX_THEMES])
        ]
        choices.append(Choice("Tout le catalogue", action("c", "0")))
        return Reply("themes", text, choices=tuple(choices))

    def theme_reply(self, value: str) -> Reply:
        themes = self.themes()
        number = index(value)
        if number is None or number >= len(themes):
            return Reply("info", "Ce thème n'existe plus. Tapez /catalogue pour parcourir les offres.")
        theme = themes[number]
        entries = [e for e in self.engine.entries if theme in e.themes]
        choices = tuple(Choice(label(e.title), action("e", e.id)) for e in entries[:10])
        return Reply("theme_entries", f"Thème « {theme} » :", choices=choices)

    def catalogue_page(self, page: int) -> Reply:
        """One page of the catalogue, APEC offers first, with previous/next choices."""
        entries = self.engine.entries
        pages = max(1, -(-len(entries) // PAGE_SIZE))
        page = min(max(page, 0), pages - 1)
        chunk = entries[page * PAGE_SIZE : (page + 1) * PAGE_SIZE]
        choices = [Choice(label(e.title), action("e", e.id)) for e in chunk]
        if page > 0:
            choices.append(Choice("◀ Précédent", action("c", str(page - 1))))
        if page < pages - 1:
            choices.append(Choice("Suivant ▶", action("c", str(page + 1))))
        return Reply("catalogue", f"Catalogue — page {page + 1}/{pages} :", choices=tuple(choices))
