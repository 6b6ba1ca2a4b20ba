"""Reports: the disclosure pack, charts, and the HTML, XLSX, Markdown and text renderers."""
