from core.errors import DomainError


class GrantsError(DomainError):
    """A rule on master data refused an action."""
