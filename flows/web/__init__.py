"""The read-only status page: FastAPI app, HTML pages and charts over ``reviewers.status``."""
