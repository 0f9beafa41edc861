"""The request body sent to a model: named arrays in one ``.npz`` bundle.

Used by the worker to encode and by the handler to decode, so both agree by
construction. No pickles: ``allow_pickle`` stays off.
"""

from __future__ import annotations

import io

import numpy as np
from numpy.typing import NDArray


def encode_bundle(arrays: dict[str, NDArray[np.floating]]) -> bytes:
    """Pack named arrays (float32) into ``.npz`` bytes."""
    buffer = io.BytesIO()
    np.savez(buffer, **{name: np.asarray(a, dtype=np.float32) for name, a in arrays.items()})
    return buffer.getvalue()


def decode_bundle(payload: bytes | bytearray) -> dict[str, NDArray[np.float32]]:
    """Unpack ``.npz`` bytes into named arrays.

    Raises
    ------
    ValueError
        When the payload is not an ``.npz`` bundle of numeric arrays.
    """
    try:
        with np.load(io.BytesIO(bytes(payload)), allow_pickle=False) as npz:
            return {name: npz[name] for name in npz.files}
    except (OSError, ValueError, EOFError) as err:
        raise ValueError(f"the request body is not an .npz bundle of arrays: {err}") from err
