"""The edges: thin Prefect flows over the domain, the ``penholder`` CLI and the web page."""
