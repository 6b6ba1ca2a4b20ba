"""Maintainer tools (release of the factor data); never imported by the ghgcalc package."""
