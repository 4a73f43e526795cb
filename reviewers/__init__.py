"""People and their files: rounds, packets, returns, remarks, merging, the matrix."""
