"""In-text citations: how rich text cites the reference list (``links``),
how references are numbered (``numbering``), and the editor's Cite control
(``editor``)."""
