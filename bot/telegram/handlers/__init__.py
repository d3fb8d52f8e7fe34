"""Telegram handlers, one concept per module; `bot.telegram.app` wires them in order."""
