"""Input and output at the edge: reading tables (encodings, header detection) and writing exports.

The lowest layer: it imports nothing of ghgcalc but :mod:`ghgcalc.errors`."""
