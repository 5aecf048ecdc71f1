from core.errors import DomainError


class WorkflowError(DomainError):
    """A workflow service refused an action; ``message`` is German and shown as it is."""


class AlreadyCreated(WorkflowError):
    """The same "new application" form arrived again; the draft exists already."""

    def __init__(self, message: str, *, application_id: int) -> None:
        super().__init__(message, code="already_created")
        self.application_id = application_id


def form_error_add(form, error: WorkflowError) -> None:
    """Show a service's refusal next to the field it is about (its code names the field), else above the form."""
    form.add_error(error.code if error.code in form.fields else None, error.message)
