"""``python -m model_store.training``: the ``affectserve train`` command."""

from model_store.training.cli import train_main

if __name__ == "__main__":
    train_main()
