"""The affectserve worker: reads recordings, computes features, calls the models."""
