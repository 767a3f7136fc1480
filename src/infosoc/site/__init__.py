"""The web observatory: a static multilingual site written by infosoc itself (docs/site.md)."""
