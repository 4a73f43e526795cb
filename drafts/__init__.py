"""The guideline's text and its versions: models, stages, the git workspace, rendering, OOXML."""
