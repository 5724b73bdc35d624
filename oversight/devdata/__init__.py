"""Data made for development and tests: the sample ledgers and the scale data set."""
