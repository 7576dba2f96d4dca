"""Evidence extraction for MSC / MSC-EV therapy in acute kidney injury.

One way through: documents -> spaCy Doc -> claims -> evidence table -> check / review / export.
"""

__version__ = "0.1.0"
