"""decay-suite: a reproducibility benchmark suite for the decay mechanism of linear attention.

Reproduces "Elucidating the Design Space of Decay in Linear Attention" (Qin, Shen, Zhong; COLM 2025).
Entry point: the `suite` console script (`suite --help`); the pipeline: `dvc repro`.
"""

__version__ = "0.1.0"
