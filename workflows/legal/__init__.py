"""The administrators' pages for the legal texts (the public pages are core's)."""
