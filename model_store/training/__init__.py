"""Training: data set loaders, leakage-free protocols, the loop and the ``train`` command.

Entry point: ``python -m model_store.training <model> --dataset ... --data-dir ...
--protocol ...`` (the same as ``affectserve train``); see `model_store.training.cli`.
"""
