from core.errors import DomainError


class WorkflowError(DomainError):
    """A workflow service refused an action; ``message`` is German and shown as it is."""


class AlreadyCreated(WorkflowError):
    """The same "new application" form arrived again; the draft exists already."""

    def __init__(self, message: str, *, application_id: int) -> None:
        super().__init__(message, code="already_created")
        self.application_id = application_id
