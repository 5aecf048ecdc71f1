"""The extra values a notice type needs beyond the application (a payout number, a
refund amount …): declared per notice module, checked and frozen into the snapshot."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class ExtraField:
    kind: Literal["text", "money", "date"]
    required: bool = True
