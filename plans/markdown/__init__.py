"""Markdown in and out: `render` (to HTML, sanitized), `writer` (a plan as the template's
document) and `reader` (a document as plan content, with a report of what went where)."""
