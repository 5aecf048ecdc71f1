"""Who acts for a municipality: requests, invitations, colleagues, and the office users page."""
