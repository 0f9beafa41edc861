"""Features computed from preprocessed signals, shared by training and serving."""
