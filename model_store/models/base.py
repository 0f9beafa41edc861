"""What every served model shares: its sizes come from its card (Braindecode-style).

A card states each input's tensor shape once (``inputs[].shape``) and its classes once
(``labels``). `CardModel.card_kwargs` turns those facts into the constructor arguments
of the model class, so a card's ``architecture`` holds only what the card says nowhere
else (widths, depths, flags).
"""

from __future__ import annotations

from typing import Any

from torch import nn

from core.cards import ModelCard


class CardModel(nn.Module):
    """A network whose input sizes and number of outputs are read from its card."""

    @classmethod
    def card_kwargs(cls, card: ModelCard) -> dict[str, Any]:
        """Constructor arguments stated by the card's ``inputs`` and ``labels``.

        Parameters
        ----------
        card : ModelCard
            The model's card.

        Returns
        -------
        dict
            Keyword arguments (``n_classes`` and the input sizes) of the model class.
        """
        raise NotImplementedError(f"{cls.__name__} does not read its sizes from a card")
