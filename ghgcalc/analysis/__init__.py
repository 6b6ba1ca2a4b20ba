"""Analysis on results: reconciliation with printed figures, explain, claims checks."""
