"""Data package: the reference .docx and its build script, letter texts (read as package data
through ``drafts.core.resources``, never imported as code)."""
