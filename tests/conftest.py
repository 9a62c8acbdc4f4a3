"""Shared pytest setup: offline environment, Triton interpreter on CPU, the --backend option.

Environment variables are set before anything imports `datasets` or the Triton kernel modules.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("HF_DATASETS_OFFLINE", "1")
os.environ.setdefault("HF_UPDATE_DOWNLOAD_COUNTS", "0")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("DVC_NO_ANALYTICS", "1")

import torch  # noqa: E402

if not torch.cuda.is_available():
    os.environ.setdefault("TRITON_INTERPRET", "1")

import pytest  # noqa: E402


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--backend",
        action="append",
        default=None,
        help="kernel backend(s) for the conformance suite (default: every available backend)",
    )
    parser.addoption(
        "--conformance-report",
        default=None,
        metavar="PATH",
        help="write the conformance suite's per-case errors and verdicts as JSON to PATH",
    )
    parser.addoption(
        "--config-shard",
        default=None,
        metavar="I/N",
        help="test_triton_config: only the (launch config, kind) pairs i, i+N, i+2N, ... (one process per shard)",
    )
    parser.addoption(
        "--config-T",
        type=int,
        action="append",
        default=None,
        metavar="T",
        help="test_triton_config: only these sequence lengths of each pair's grid (repeatable; default all)",
    )
    parser.addoption(
        "--config-D",
        type=int,
        action="append",
        default=None,
        metavar="D",
        help="test_triton_config: only these head dims of each pair's grid (repeatable; default all)",
    )


@pytest.fixture(autouse=True)
def _deterministic_torch():
    torch.manual_seed(0)
    yield
