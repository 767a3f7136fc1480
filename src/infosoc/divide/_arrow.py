"""numpy columns as Arrow arrays without pandas: shared by every layer."""

from __future__ import annotations

from typing import Any

import numpy as np


def arrow_array(values: np.ndarray[Any, Any], missing: np.ndarray[Any, Any] | None = None) -> Any:
    """A numpy column as an Arrow array, nulls where ``missing``, without ``pa.array``:
    that looks for pandas objects and so imports pandas, half a second of start-up."""
    import pyarrow as pa

    data = np.ascontiguousarray(values)
    kind = pa.from_numpy_dtype(data.dtype)
    validity = None
    nulls = 0
    if missing is not None and missing.any():
        validity = pa.py_buffer(np.packbits(~missing, bitorder="little"))
        nulls = int(missing.sum())
    return pa.Array.from_buffers(kind, len(data), [validity, pa.py_buffer(data)], nulls)
