"""Writes float32 arrays for mocc-run: write_npy.py DIR NAME:2x3 ...
Each DIR/NAME.npy holds 0, 1, 2, ... (mod 7) in the shape given."""
import os
import sys

import numpy as np

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
for spec in sys.argv[2:]:
    name, shape = spec.split(":")
    dims = [int(d) for d in shape.split("x")]
    data = (np.arange(int(np.prod(dims))) % 7).astype(np.float32)
    np.save(os.path.join(out, name + ".npy"), data.reshape(dims))
