"""What admins read from the store (`/stats`, `aiguilleur report`): aggregates, never user keys."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlite_utils import Database

__all__ = ["AdminReads", "Stats"]


@dataclass(frozen=True)
class Stats:
    """What `/stats` shows: activity over the last `days` days."""

    days: int
    questions: int
    users: int
    by_status: dict[str, int] = field(default_factory=dict)
    top_entries: list[tuple[str, int]] = field(default_factory=list)
    unanswered: list[tuple[str, int]] = field(default_factory=list)
    feedback: dict[str, tuple[int, int]] = field(default_factory=dict)
    median_latency_ms: int | None = None


class AdminReads:
    """Read-only queries over a period; mixed into `Store`."""

    db: Database

    def _since(self, days: int) -> str:  # pragma: no cover - provided by Store
        raise NotImplementedError

    def unanswered(self, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
        """Unanswered questions of the period, most frequent first, as (text, count)."""
        rows = self.db.execute(
            "SELECT min(question), count(*) AS n FROM interactions "
            "WHERE status = 'no_match' AND question IS NOT NULL AND at >= ? "
            "GROUP BY lower(trim(question)) ORDER BY n DESC, max(at) DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(q), int(n)) for q, n in rows]

    def ambiguous(self, days: int = 30, limit: int = 20) -> list[tuple[str, int]]:
        """Ambiguous questions of the period, most frequent first, as (text, count)."""
        rows = self.db.execute(
            "SELECT min(question), count(*) AS n FROM interactions "
            "WHERE status = 'ambiguous' AND question IS NOT NULL AND at >= ? "
            "GROUP BY lower(trim(question)) ORDER BY n DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(q), int(n)) for q, n in rows]

    def feedback_by_entry(self, days: int = 30) -> dict[str, tuple[int, int]]:
        """Per entry id: (number of 👍, number of 👎) over the period."""
        rows = self.db.execute(
            "SELECT entry_id, sum(vote > 0), sum(vote < 0) FROM feedback WHERE at >= ? "
            "GROUP BY entry_id ORDER BY entry_id",
            [self._since(days)],
        ).fetchall()
        return {str(e): (int(up), int(down)) for e, up, down in rows}

    def disliked(self, days: int = 30, limit: int = 20) -> list[tuple[str, str]]:
        """Questions given a 👎, as (entry id, question), newest first."""
        rows = self.db.execute(
            "SELECT entry_id, question FROM feedback WHERE vote < 0 AND question IS NOT NULL AND at >= ? "
            "ORDER BY at DESC LIMIT ?",
            [self._since(days), limit],
        ).fetchall()
        return [(str(e), str(q)) for e, q in rows]

    def stats(self, days: int = 30) -> Stats:
        """Activity over the last `days` days, for `/stats` and reports."""
        since = self._since(days)
        questions, users = self.db.execute(
            "SELECT count(*), count(DISTINCT user_key) FROM interactions WHERE at >= ?", [since]
        ).fetchone()
        by_status = {
            str(s): int(n)
            for s, n in self.db.execute(
                "SELECT status, count(*) FROM interactions WHERE at >= ? GROUP BY status ORDER BY count(*) DESC",
                [since],
            ).fetchall()
        }
        top_entries = [
            (str(e), int(n))
            for e, n in self.db.execute(
                "SELECT top_entry, count(*) AS n FROM interactions WHERE at >= ? AND status = 'match' "
                "AND top_entry IS NOT NULL GROUP BY top_entry ORDER BY n DESC, top_entry LIMIT 10",
                [since],
            ).fetchall()
        ]
        latencies = [
            int(r[0])
            for r in self.db.execute(
                "SELECT latency_ms FROM interactions WHERE at >= ? AND latency_ms IS NOT NULL ORDER BY latency_ms",
                [since],
            ).fetchall()
        ]
        return Stats(
            days=days,
            questions=int(questions),
            users=int(users),
            by_status=by_status,
            top_entries=top_entries,
            unanswered=self.unanswered(days),
            feedback=self.feedback_by_entry(days),
            median_latency_ms=latencies[len(latencies) // 2] if latencies else None,
        )
