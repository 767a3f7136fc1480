"""The report's sections, one module each; each builder takes the gathering's
:class:`~infosoc.report.context.Context` and returns its :class:`~infosoc.report.model.Section`
(or None where a section does not apply to the country)."""
