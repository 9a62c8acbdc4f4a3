"""suite.model: the decay linear transformer shared by every variant (spec §2, §7).

    from suite.model import ModelConfig, build_model, count_params, model_config, PRESETS
    cfg = ModelConfig(vocab_size=256, d_model=64, n_layers=2, n_heads=1, decay="gla")
    model = build_model(cfg)

Files: config.py (ModelConfig, PRESETS), positional.py, mixer.py (DecayAttention), softmax.py,
blocks.py (RMSNorm, SwiGLU, Block), lm.py (DecayLM, init, param groups), capture.py, count.py.
"""

from suite.model.capture import capture_log_decay
from suite.model.config import PRESETS, ModelConfig, model_config, with_sizes
from suite.model.count import count_params
from suite.model.lm import DecayLM, build_model, init_weights, param_groups

__all__ = [
    "PRESETS", "DecayLM", "ModelConfig", "build_model", "capture_log_decay", "count_params",
    "init_weights", "model_config", "param_groups", "with_sizes",
]
