"""The only package that knows the ``w:`` namespace: reading and writing Office Open XML."""
