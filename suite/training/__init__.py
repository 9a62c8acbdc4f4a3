"""suite.training: the pieces behind `suite train` (see suite/train.py).

config.py (ModelSizes, TrainConfig: the tier's model and train sections), spec.py (RunSpec: a run
resolved from variant, tier, seed and data; the kernel backend chosen once), dist.py (one process,
DDP or FSDP2), steps.py (train step with gradient accumulation, validation), checkpoint.py
(self-checking atomic checkpoints), rundir.py (config.json, curve.csv, metrics.json), loop.py.
"""
