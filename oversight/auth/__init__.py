"""Who may see what: roles, the unit scope, the users file, sign-in throttling, the app's mode and the audit log."""
