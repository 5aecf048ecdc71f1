"""Domain errors carry a German message meant for the user."""

from __future__ import annotations


class DomainError(Exception):
    """Base class for errors a service raises when a business rule refuses an action.

    Each app subclasses it once; views show ``message`` to the user as it is.
    """

    def __init__(self, message: str, *, code: str = "error") -> None:
        super().__init__(message)
        self.message = message
        self.code = code

    def __str__(self) -> str:
        return self.message


class LegalPageRefused(DomainError):
    """A legal page was not saved: one German message per field (``None``: the whole entry)."""

    def __init__(self, problems: dict[str | None, str], *, code: str = "legal_page_refused") -> None:
        super().__init__(" ".join(problems.values()), code=code)
        self.problems = problems
