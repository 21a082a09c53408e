"""Sign-off roles, decisions and the review workflow arrive with the approvals issue."""
