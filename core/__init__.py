"""Settings and the job store, shared by the API and the worker."""
