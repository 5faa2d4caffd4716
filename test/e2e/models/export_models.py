#!/usr/bin/python3
"""Exports torchvision models and a BERT-style encoder to ONNX for mocc's model tests and benchmarks.

Run with Debian's python (python3-torch 1.13, python3-torchvision 0.14, python3-onnx 1.12):

    /usr/bin/python3 test/e2e/models/export_models.py build/test/e2e/models [--models resnet50,...]

For each model it writes OUTDIR/<name>/model.onnx (random weights from torch.manual_seed(0),
weights=None, eval mode, opset 17 unless named otherwise below, static input shape, constant folding on) and a
deterministic input OUTDIR/<name>/test_data_set_0/input_0.pb (numpy normal, seed 0) as an ONNX
TensorProto (onnx.numpy_helper of Debian's python3-onnx). The CNNs take 1x3x224x224.

bert_encoder is torch.nn.TransformerEncoder: 4 post-norm nn.TransformerEncoderLayer(d_model=256,
nhead=4, dim_feedforward=1024, dropout=0.0, batch_first=True) (ReLU FFN), input 1x128x256 (one
sequence of 128 embedded tokens). In eval mode without autograd torch 1.13 runs it through its
fused fast path (aten::_transformer_encoder_layer_fwd, aten::_native_multi_head_attention), which
the ONNX exporter cannot export; it is therefore traced with autograd enabled (parameters
require grad), which turns the fast path off and exports the standard graph (MatMul/Gemm, Softmax,
LayerNormalization, Reshape/Transpose/Slice). Dropout is 0, so the function is the same. Each
layer gets its own random weights; LayerNorm scales ~ N(1, 0.1), LayerNorm and attention biases
~ N(0, 0.1) (torch initializes them to 1 and 0).

BatchNorm running statistics are calibrated on a seeded random batch before export (one
forward pass in train mode with cumulative averaging; no parameter changes). Without it the
freshly initialized BNs (mean 0, var 1) leave activations unnormalized: random MobileNetV2's
logits come out around 1e-9, so any output would "match" ONNX Runtime within atol 1e-4. With it
the logits are O(0.1..1), as in a trained network, and the exported Conv layers carry real
folded BN scales and shifts.

resnet18_opset9 and mobilenet_v2_opset11 are the same architectures exported at opsets 9 and 11, as
older exporters wrote them (Upsample-era ops, Pad and Clip with attributes, ...): mocc must
import them through its per-version handling and compute the same result.

resnet18_bn is ResNet-18 exported with its BatchNormalization nodes kept (TrainingMode.PRESERVE in
eval mode, constant folding off), as older exporters and other frameworks write CNNs: it tests
that mocc folds them into the convolutions (moc-fold-constants) and computes the same result.
squeezenet1_1_dynamic_batch and resnet18_dynamic_hw are exported with symbolic dimensions (torch's
dynamic_axes: the batch, or the batch, height and width): mocc compiles each once, and its data sets
run it at several shapes (batch 1, 3 and 8; images of 224x224, 160x192 and, at batch 2, 97x131).
Data set i's input is drawn with seed INPUT_SEED + i.

encoder_dynamic_sequence and gpt_block_dynamic_sequence take token ids (int64, batch x sequence,
values in [0, VOCAB)) and are exported with a symbolic batch and sequence, as PyTorch users export
transformers: the encoder is a 2-layer nn.TransformerEncoder (d_model 64, 4 heads) over token
embeddings plus learned positions from arange(T); the GPT block views q, k, v by (B, T, heads, d)
and masks attention with triu(ones(T, T)). Their shape operands (Reshape's, Range's,
ConstantOfShape's) are computed from Shape at run time; their data sets run at B x T = 1x1, 3x7,
1x64 and 2x200.

A model whose files exist with the same export settings (stamp.json) is not exported again.
make_reference.py (venv) then adds the ONNX Runtime reference output_0.pb.

Exit status 77 (skip) when torch/torchvision/onnx are not importable.
"""

from __future__ import annotations

import argparse
import glob
import json
import os
import shutil
import sys
import time

CNN_MODELS = ("resnet50", "mobilenet_v2", "squeezenet1_1", "efficientnet_b0")
# Exported with BatchNormalization nodes kept, for mocc to fold.
BN_MODELS = {"resnet18_bn": "resnet18"}
# Exported at the older opsets that models in the wild still use: name -> (architecture, opset).
OLD_OPSET_MODELS = {"resnet18_opset9": ("resnet18", 9), "mobilenet_v2_opset11": ("mobilenet_v2", 11)}
# Exported with symbolic input dimensions, compiled once and run at each of its data sets' shapes:
# name -> (architecture, symbolic axes of the input, input shapes of the data sets).
DYNAMIC_MODELS = {
    "squeezenet1_1_dynamic_batch": ("squeezenet1_1", {0: "batch"},
                                    [(1, 3, 224, 224), (3, 3, 224, 224), (8, 3, 224, 224)]),
    "resnet18_dynamic_hw": ("resnet18", {0: "batch", 2: "height", 3: "width"},
                            [(1, 3, 224, 224), (1, 3, 160, 192), (2, 3, 97, 131)]),
}
# Token-id transformers exported with a symbolic batch and sequence: name -> data set shapes.
TOKEN_SHAPES = [(1, 1), (3, 7), (1, 64), (2, 200)]
TOKEN_MODELS = ("encoder_dynamic_sequence", "gpt_block_dynamic_sequence")
VOCAB, TOKEN_DIM, TOKEN_HEADS, MAX_POSITIONS = 1000, 64, 4, 256
MODELS = (CNN_MODELS + ("bert_encoder",) + tuple(BN_MODELS) + tuple(OLD_OPSET_MODELS)
          + tuple(DYNAMIC_MODELS) + TOKEN_MODELS)
OPSET = 17
SHAPE = (1, 3, 224, 224)  # the CNNs'
# bert_encoder: nn.TransformerEncoderLayer arguments, layer count and input (batch, sequence, d_model).
BERT_LAYER = {"d_model": 256, "nhead": 4, "dim_feedforward": 1024, "dropout": 0.0, "batch_first": True}
BERT_LAYERS = 4
BERT_SHAPE = (1, 128, BERT_LAYER["d_model"])
PARAM_STD = 0.1  # LayerNorm weight ~ N(1, 0.1), LayerNorm and attention biases ~ N(0, 0.1)
INPUT_SEED = 0
WEIGHT_SEED = 0
# Bump when the exported files would change for the same library versions.
CALIBRATION_BATCH = 4
CALIBRATION_SEED = 1
EXPORT_VERSION = 2


def calibrate_batchnorm(model, torch, shape) -> None:
    """Sets every BatchNorm's running mean/var to the statistics of one seeded random batch."""
    bns = [m for m in model.modules() if isinstance(m, torch.nn.modules.batchnorm._BatchNorm)]
    if not bns:
        return
    for bn in bns:
        bn.reset_running_stats()
        bn.momentum = None  # cumulative moving average: after one batch, exactly its statistics
    gen = torch.Generator().manual_seed(CALIBRATION_SEED)
    batch = torch.randn((CALIBRATION_BATCH,) + tuple(shape[1:]), generator=gen)
    model.train()
    with torch.no_grad():
        model(batch)
    model.eval()


def build_token_model(name: str, torch):
    """The encoder or the GPT block of TOKEN_MODELS (see the module docstring)."""
    nn = torch.nn
    d, h = TOKEN_DIM, TOKEN_HEADS

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens, self.positions = nn.Embedding(VOCAB, d), nn.Embedding(MAX_POSITIONS, d)
            layer = nn.TransformerEncoderLayer(d, h, 4 * d, dropout=0.0, batch_first=True)
            self.encoder = nn.TransformerEncoder(layer, 2, enable_nested_tensor=False)

        def forward(self, ids):
            positions = self.positions(torch.arange(ids.shape[1]))
            return self.encoder(self.tokens(ids) + positions)

    class GptBlock(nn.Module):
        def __init__(self):
            super().__init__()
            self.tokens, self.qkv, self.proj = nn.Embedding(VOCAB, d), nn.Linear(d, 3 * d), nn.Linear(d, d)
            self.norm = nn.LayerNorm(d)
            self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

        def forward(self, ids):
            b, t = ids.shape
            x = self.tokens(ids)
            q, k, v = (y.view(b, t, h, d // h).transpose(1, 2)
                       for y in self.qkv(self.norm(x)).split(d, dim=2))
            scores = (q @ k.transpose(-2, -1)) * (d // h) ** -0.5
            mask = torch.triu(torch.ones(t, t, dtype=torch.bool), diagonal=1)
            attention = scores.masked_fill(mask, float("-inf")).softmax(-1)
            x = x + self.proj((attention @ v).transpose(1, 2).contiguous().view(b, t, d))
            return x + self.mlp(self.norm(x))

    model = (Encoder if name == "encoder_dynamic_sequence" else GptBlock)().eval()
    # Autograd on keeps torch 1.13 off the encoder's fused, non-exportable fast path.
    return model, TOKEN_SHAPES[0], torch.enable_grad()


def build_model(name: str, torch, torchvision):
    """Returns (model in eval mode with seeded random weights, input shape, export grad context)."""
    torch.manual_seed(WEIGHT_SEED)
    if name in TOKEN_MODELS:
        return build_token_model(name, torch)
    if name == "bert_encoder":
        # TransformerEncoder deep-copies one layer (identical weights, which the exporter would
        # deduplicate into Identity nodes): give every layer its own random weights, and the
        # LayerNorms and attention biases (initialized to 1 / 0) random values as in a trained
        # network, so that every parameter is exercised.
        layers = [torch.nn.TransformerEncoderLayer(**BERT_LAYER) for _ in range(BERT_LAYERS)]
        model = torch.nn.TransformerEncoder(layers[0], num_layers=BERT_LAYERS, enable_nested_tensor=False)
        model.layers = torch.nn.ModuleList(layers)
        with torch.no_grad():
            for m in model.modules():
                if isinstance(m, torch.nn.LayerNorm):
                    m.weight.normal_(1.0, PARAM_STD)
                    m.bias.normal_(0.0, PARAM_STD)
                elif isinstance(m, torch.nn.MultiheadAttention):
                    m.in_proj_bias.normal_(0.0, PARAM_STD)
                    m.out_proj.bias.normal_(0.0, PARAM_STD)
        model.eval()
        # Autograd on keeps torch 1.13 off its fused, non-exportable encoder fast path (see above).
        return model, BERT_SHAPE, torch.enable_grad()
    architecture = (BN_MODELS.get(name) or OLD_OPSET_MODELS.get(name, (None,))[0]
                    or DYNAMIC_MODELS.get(name, (name,))[0])
    model = getattr(torchvision.models, architecture)(weights=None)
    calibrate_batchnorm(model, torch, SHAPE)
    model.eval()
    return model, SHAPE, torch.no_grad()


def opset_of(name: str) -> int:
    return OLD_OPSET_MODELS[name][1] if name in OLD_OPSET_MODELS else OPSET


def data_set_shapes(name: str, shape) -> list:
    """The input shape of each test data set."""
    if name in TOKEN_MODELS:
        return TOKEN_SHAPES
    return DYNAMIC_MODELS[name][2] if name in DYNAMIC_MODELS else [shape]


def dynamic_axes_of(name: str):
    """torch.onnx.export's dynamic_axes: None for a static model."""
    if name in TOKEN_MODELS:
        axes = {0: "batch", 1: "sequence"}
        return {"input": axes, "output": axes}
    if name not in DYNAMIC_MODELS:
        return None
    return {"input": DYNAMIC_MODELS[name][1], "output": {0: "batch"}}


def stamp_of(name: str, torch, torchvision) -> dict:
    """The export settings of one model; a change re-exports it."""
    stamp = {
        "model": name, "opset": opset_of(name), "weight_seed": WEIGHT_SEED, "input_seed": INPUT_SEED,
        "torch": torch.__version__, "export_version": EXPORT_VERSION,
    }
    if name == "bert_encoder":
        stamp.update(shape=list(BERT_SHAPE), layer=BERT_LAYER, num_layers=BERT_LAYERS,
                     param_std=PARAM_STD)
    elif name in TOKEN_MODELS:
        stamp.update(data_sets=[list(s) for s in TOKEN_SHAPES], vocab=VOCAB, dim=TOKEN_DIM,
                     heads=TOKEN_HEADS)
    else:
        stamp.update(shape=list(SHAPE), torchvision=torchvision.__version__,
                     calibration_batch=CALIBRATION_BATCH, calibration_seed=CALIBRATION_SEED)
    if name in BN_MODELS:
        stamp.update(keep_batchnorm=True)
    if name in DYNAMIC_MODELS:
        stamp.update(dynamic_axes={str(k): v for k, v in DYNAMIC_MODELS[name][1].items()},
                     data_sets=[list(s) for s in DYNAMIC_MODELS[name][2]])
    return stamp


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("outdir")
    p.add_argument("--models", default=",".join(MODELS), help="comma-separated (default: %(default)s)")
    p.add_argument("--force", action="store_true", help="export even if up to date")
    args = p.parse_args()

    try:
        import numpy as np
        import onnx
        from onnx import numpy_helper
        import torch
        import torchvision
    except ImportError as e:
        print(f"SKIP: {e} (needs Debian's python3-torch, python3-torchvision, python3-onnx)")
        return 77

    torch.set_num_threads(max(1, min(2, os.cpu_count() or 1)))
    names = [m for m in args.models.split(",") if m]
    for name in names:
        if name not in MODELS:
            print(f"error: unknown model {name!r} (known: {', '.join(MODELS)})", file=sys.stderr)
            return 2

    for name in names:
        mdir = os.path.join(args.outdir, name)
        model_path = os.path.join(mdir, "model.onnx")
        first_input = os.path.join(mdir, "test_data_set_0", "input_0.pb")
        stamp_path = os.path.join(mdir, "stamp.json")
        stamp = stamp_of(name, torch, torchvision)
        if not args.force and os.path.isfile(model_path) and os.path.isfile(first_input):
            try:
                with open(stamp_path) as f:
                    if json.load(f) == stamp:
                        print(f"{name}: up to date ({model_path})")
                        continue
            except (OSError, ValueError):
                pass
        # Stale data sets and references must not survive a new export.
        for stale in glob.glob(os.path.join(mdir, "test_data_set_*")):
            shutil.rmtree(stale)
        if os.path.exists(stamp_path):
            os.remove(stamp_path)
        os.makedirs(mdir, exist_ok=True)

        t0 = time.time()
        model, shape, grad_mode = build_model(name, torch, torchvision)
        rngs = [np.random.default_rng(INPUT_SEED + i) for i in range(len(data_set_shapes(name, shape)))]
        inputs = [rng.integers(0, VOCAB, s, dtype=np.int64) if name in TOKEN_MODELS
                  else rng.standard_normal(s).astype(np.float32)
                  for rng, s in zip(rngs, data_set_shapes(name, shape))]
        x = inputs[0]
        tmp = model_path + ".tmp"
        keep_batchnorm = name in BN_MODELS
        with grad_mode:
            torch.onnx.export(
                model, torch.from_numpy(x), tmp,
                opset_version=opset_of(name), input_names=["input"], output_names=["output"],
                do_constant_folding=not keep_batchnorm, export_params=True,
                dynamic_axes=dynamic_axes_of(name),
                training=torch.onnx.TrainingMode.PRESERVE if keep_batchnorm
                else torch.onnx.TrainingMode.EVAL,
            )
        onnx.checker.check_model(onnx.load(tmp))
        os.replace(tmp, model_path)
        for i, data in enumerate(inputs):
            os.makedirs(os.path.join(mdir, f"test_data_set_{i}"), exist_ok=True)
            with open(os.path.join(mdir, f"test_data_set_{i}", "input_0.pb"), "wb") as f:
                f.write(numpy_helper.from_array(data, "input").SerializeToString())
        with open(stamp_path, "w") as f:
            json.dump(stamp, f, indent=1, sort_keys=True)
        size = os.path.getsize(model_path) / 2**20
        print(f"{name}: exported {model_path} ({size:.1f} MiB) in {time.time() - t0:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
