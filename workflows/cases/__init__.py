"""The office's view of every file: the list of all applications with search, filters and
export, the figures of what is due, and the case page of one application with its notes."""
