"""The references engine: reading, keeping, formatting and writing citations.

Layers, each importing only those above it:

- ``csl``: the CSL-JSON data model as the app stores it (the one field table,
  types, order); ``identifiers``, ``keys`` and ``normalise``: identifiers,
  reference keys, and the normalisers of names, dates and pages;
- ``parsed``: ``ParsedReference``, what every reader returns, finished one way;
- ``parser`` (pasted text) and ``formats`` (BibTeX, RIS, MEDLINE; writers);
- ``formatting``: citeproc-py and its cache;
- ``rows``: the one bridge to the ``Reference`` model.

All but ``rows`` (the models) and ``formatting``'s cache are plain Python,
with Django's lazy translation for the labels of types and styles.
"""
