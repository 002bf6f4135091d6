"""Full texts: PDFs attached to reports, their retrieval, studies listed and authors contacted.

Files kept by content (``files``), retrieval status (``status``), bulk matching and
open-access copies (``bulk``), study status lists and the author-contact log
(``contacts``); the use cases are the methods of ``project.retrieval`` (``service``).
"""
