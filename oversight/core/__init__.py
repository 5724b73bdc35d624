"""The base every package stands on: translations, numbers and rounding, atomic writes, locks, safe text."""
