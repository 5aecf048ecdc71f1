"""What a bulk action did, item by item, and where the result page finds it again.

The result is kept in the session under the form's one-time token: reloading the
result page shows it again, and a repeated post of the same form finds it there and
does nothing a second time.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

SESSION_KEY = "bulk_results"
# Results older than the last few are dropped: the session stays small.
KEPT = 10


@dataclass(frozen=True)
class BulkLine:
    """One item: its file number (or what names it when there is none) and what happened, in German."""

    reference: str
    text: str


@dataclass
class BulkOutcome:
    done: list[BulkLine] = dataclasses.field(default_factory=list)
    refused: list[BulkLine] = dataclasses.field(default_factory=list)

    def as_data(self) -> dict:
        return {
            "done": [[line.reference, line.text] for line in self.done],
            "refused": [[line.reference, line.text] for line in self.refused],
        }

    @classmethod
    def from_data(cls, data: dict) -> BulkOutcome:
        return cls(
            done=[BulkLine(str(ref), str(text)) for ref, text in data.get("done", [])],
            refused=[BulkLine(str(ref), str(text)) for ref, text in data.get("refused", [])],
        )


def result_store(session, *, token: str, kind: str, outcome: BulkOutcome) -> None:
    results = dict(session.get(SESSION_KEY, {}))
    results[token] = {"kind": kind, **outcome.as_data()}
    # Dicts keep insertion order: the oldest go first.
    while len(results) > KEPT:
        results.pop(next(iter(results)))
    session[SESSION_KEY] = results


def result_load(session, *, token: str) -> tuple[str, BulkOutcome] | None:
    data = session.get(SESSION_KEY, {}).get(token)
    if not isinstance(data, dict):
        return None
    return data.get("kind", ""), BulkOutcome.from_data(data)
