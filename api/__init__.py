"""The affectserve HTTP API and command line."""
