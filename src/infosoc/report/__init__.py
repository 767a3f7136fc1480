"""The country report in English, Russian or Kazakh: gathered from any
:class:`~infosoc.report.data.ReportData` (``collect.py``), written as HTML, PDF or Markdown
(``render.py``); docs/report.md."""
