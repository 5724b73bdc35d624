"""The command line: python -m oversight (data, users, sample, brief, alerts)."""
