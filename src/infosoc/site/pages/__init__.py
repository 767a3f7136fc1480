"""The site's pages, one module per kind of page; each returns :class:`~infosoc.site.model.Page`
objects in one language."""
