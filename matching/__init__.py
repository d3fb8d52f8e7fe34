"""Aiguilleur's pure matching engine: knowledge loading, French normalisation, scoring,
territories and contact routing. No Telegram, no SQLite, no network."""
