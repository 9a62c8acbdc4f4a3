"""One process or many: process-group setup, DDP / FSDP2 wrapping, full state dicts, reductions.

    ctx = setup("cpu")                 # plain python: world 1; under torchrun: RANK/WORLD_SIZE
    model = wrap(model, ctx, fsdp=False)
    msd, osd = full_state(model, opt, ctx)        # full (unsharded) state dicts, on CPU
    load_full_state(model, opt, msd, osd, ctx)

NCCL on GPU, gloo on CPU. torchrun sets RANK / WORLD_SIZE / LOCAL_RANK and `setup` joins the group
(env://); a caller that already initialised a group (tests: spawn + FileStore) is used as it is.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist

from suite.errors import SuiteError


@dataclass
class Ctx:
    rank: int
    world: int
    device: torch.device
    distributed: bool

    @property
    def main(self) -> bool:
        return self.rank == 0


def pick_device(name: str | None, local_rank: int = 0) -> torch.device:
    if name in (None, "auto"):
        return torch.device("cuda", local_rank) if torch.cuda.is_available() else torch.device("cpu")
    dev = torch.device(name)
    if dev.type == "cuda":
        if not torch.cuda.is_available():
            raise SuiteError(f"--device {name}: CUDA is not available on this machine; allowed: cpu")
        return torch.device("cuda", local_rank if dev.index is None else dev.index)
    return dev


def setup(device: str | None = None) -> Ctx:
    """Join the process group when launched as several ranks (env RANK/WORLD_SIZE), else world 1."""
    if dist.is_initialized():
        rank, world = dist.get_rank(), dist.get_world_size()
        return Ctx(rank, world, pick_device(device, int(os.environ.get("LOCAL_RANK", rank))), True)
    if "RANK" not in os.environ:
        return Ctx(0, 1, pick_device(device), False)
    rank, world = int(os.environ["RANK"]), int(os.environ["WORLD_SIZE"])
    dev = pick_device(device, int(os.environ.get("LOCAL_RANK", "0")))
    if dev.type == "cuda":
        torch.cuda.set_device(dev)
    backend = "nccl" if dev.type == "cuda" else "gloo"
    dist.init_process_group(backend=backend, rank=rank, world_size=world,
                            device_id=dev if dev.type == "cuda" else None)
    return Ctx(rank, world, dev, True)


def wrap(model: torch.nn.Module, ctx: Ctx, fsdp: bool) -> torch.nn.Module:
    """DDP (default) or FSDP2 (`fully_shard` on each block, then the model); unchanged for world 1."""
    if fsdp:
        if not ctx.distributed:
            return model
        from torch.distributed.fsdp import fully_shard

        for block in model.blocks:
            fully_shard(block)
        return fully_shard(model)
    if not ctx.distributed:
        return model
    from torch.nn.parallel import DistributedDataParallel as DDP

    return DDP(model, device_ids=[ctx.device.index] if ctx.device.type == "cuda" else None)


def unwrap(model: torch.nn.Module) -> torch.nn.Module:
    return getattr(model, "module", model)


def full_state(model, opt, ctx: Ctx) -> tuple[dict, dict]:
    """Full model and optimizer state dicts (CPU tensors; the same layout for any world size)."""
    from torch.distributed.checkpoint.state_dict import StateDictOptions, get_state_dict

    opts = StateDictOptions(full_state_dict=True, cpu_offload=ctx.distributed)
    msd, osd = get_state_dict(unwrap(model) if not _is_fsdp(model) else model, opt, options=opts)
    return msd, osd


def load_full_state(model, opt, msd: dict, osd: dict, ctx: Ctx) -> None:
    from torch.distributed.checkpoint.state_dict import StateDictOptions, set_state_dict

    opts = StateDictOptions(full_state_dict=True)
    set_state_dict(unwrap(model) if not _is_fsdp(model) else model, opt,
                   model_state_dict=msd, optim_state_dict=osd, options=opts)


def _is_fsdp(model) -> bool:
    return type(model).__name__.startswith("FSDP")


def all_sum(values: list[float], ctx: Ctx) -> list[float]:
    """Sum float64 values over ranks (identity for world 1)."""
    t = torch.tensor(values, dtype=torch.float64, device=ctx.device if ctx.device.type == "cuda" else "cpu")
    if ctx.distributed:
        dist.all_reduce(t, op=dist.ReduceOp.SUM)
    return t.tolist()


def teardown(ctx: Ctx) -> None:
    if ctx.distributed and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()
