"""Writes arrays for mocc-run: write_npy.py DIR NAME:2x3[:DTYPE] ...
Each DIR/NAME.npy holds 0, 1, 2, ... (mod 7) in the shape given (0 for an
empty dimension), as DTYPE (a numpy name; float32 by default)."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for spec in sys.argv[2:]:
    name, shape, *dtype = spec.split(":")
    dims = [int(d) for d in shape.split("x")]
    data = (np.arange(int(np.prod(dims))) % 7).astype(dtype[0] if dtype else np.float32)
    np.save(os.path.join(out, name + ".npy"), data.reshape(dims))
