"""Answers to what a leader reads: key-figure cards, tables and the written summary."""
