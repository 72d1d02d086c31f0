"""Models of the goalposts question (transitions, cohorts, learning effect, deprivation, verdict).

Reads only the processed dataset (analysis.data); each model returns a typed result.
"""
