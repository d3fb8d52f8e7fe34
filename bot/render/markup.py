"""Markups: how emphasis, links and escaping are written for the terminal (plain) and Telegram
(HTML). User text is always escaped by the HTML markup before it reaches a reply."""

from __future__ import annotations

import html
from dataclasses import dataclass


@dataclass(frozen=True)
class Markup:
    """How emphasis, links and escaping are written in one output format."""

    html: bool

    def esc(self, text: str) -> str:
        return html.escape(text, quote=False) if self.html else text

    def b(self, text: str) -> str:
        return f"<b>{self.esc(text)}</b>" if self.html else text

    def i(self, text: str) -> str:
        return f"<i>{self.esc(text)}</i>" if self.html else text

    def link(self, label: str, url: str) -> str:
        if self.html:
            return f'<a href="{html.escape(url, quote=True)}">{self.esc(label)}</a>'
        return f"{label} : {url}"


PLAIN = Markup(html=False)
HTML = Markup(html=True)
