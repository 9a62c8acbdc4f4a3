"""lm-eval adapter: a trained decay-suite model as an lm-eval `TemplateLM` named `decay-suite`.

Built from a run directory (`DecaySuiteLM(run_dir="results/runs/tiny/gla/0",
ckpt="results/ckpt/tiny/gla/0")` through `suite.runs.load_run`; ckpt defaults to run_dir/ckpt) or
from parts (`DecaySuiteLM(model=m, tokenizer=tok, max_length=L)`).
The model is any module with `forward(input_ids [B,T], state=None, return_state=False)` returning
logits [B,T,V] (and the new recurrent state when `return_state`).

* `_loglikelihood_tokens`: requests sorted by length and scored in right-padded batches (causal,
  so padding never reaches a scored position); contexts are truncated from the left to
  `max_length` input tokens, every continuation token is always kept (the window grows when a
  continuation is longer than `max_length`).
* `loglikelihood_rolling`: lm-eval's disjoint rolling windows of `max_length`, scored the same way.
* `generate_until`: greedy decoding through the recurrent state (one token per forward call).

    import lm_eval
    lm = DecaySuiteLM(run_dir=run_dir)
    lm_eval.simple_evaluate(model=lm, tasks=["piqa"], task_manager=tm)
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from lm_eval import utils as lm_utils
from lm_eval.api.model import TemplateLM
from lm_eval.api.registry import register_model
from tqdm import tqdm

EOT_NAMES = ("<|endoftext|>", "</s>", "<eos>", "<|eot|>")


def find_eot(tokenizer) -> int:
    """The id of the tokenizer's end-of-text token (0 when it names none of `EOT_NAMES`)."""
    for name in EOT_NAMES:
        idx = tokenizer.token_to_id(name)
        if idx is not None:
            return int(idx)
    return 0


@register_model("decay-suite")
class DecaySuiteLM(TemplateLM):
    def __init__(self, run_dir=None, model=None, tokenizer=None, max_length=None,
                 batch_size=16, device="cpu", max_gen_toks=256, ckpt=None, **_):
        super().__init__()
        device = device or "cpu"  # lm-eval passes None for options the caller left out
        if run_dir is not None:
            from suite.runs import load_run

            run = load_run(run_dir, device=device, ckpt=ckpt)
            model, tokenizer = run.model, run.tokenizer
            max_length = max_length or run.seq_len
        if model is None or tokenizer is None or max_length is None:
            raise ValueError("DecaySuiteLM needs run_dir, or model, tokenizer and max_length")
        self.model = model.eval()
        self._tok = tokenizer
        self.max_length = int(max_length)
        self.batch_size = int(batch_size or 16)
        self.max_gen_toks = int(max_gen_toks)
        self._eot = find_eot(tokenizer)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    @property
    def eot_token_id(self) -> int:
        return self._eot

    def tok_encode(self, string, add_special_tokens=None, **_) -> list[int]:
        return self._tok.encode(string, add_special_tokens=False).ids

    def tok_decode(self, ids) -> str:
        return self._tok.decode(list(ids), skip_special_tokens=False)

    # --- scoring -------------------------------------------------------------------------------
    def window(self, context: list[int], continuation: list[int]) -> tuple[list[int], int]:
        """Input ids (left-truncated) and the number of scored positions at its end."""
        whole = (context + continuation)[:-1]
        keep = max(self.max_length, len(continuation))
        return whole[-keep:], len(continuation)

    @torch.no_grad()
    def score_batch(self, pairs: list[tuple[list[int], list[int]]]) -> list[tuple[float, bool]]:
        """Sum of log p(continuation | context) and whether greedy decoding gives it, per pair."""
        windows = [self.window(c, t) for c, t in pairs]
        width = max(len(w) for w, _ in windows)
        ids = torch.zeros(len(pairs), width, dtype=torch.long)
        for i, (w, _) in enumerate(windows):
            ids[i, : len(w)] = torch.tensor(w, dtype=torch.long)
        logits = self.model(ids.to(self.device))  # [B, width, V]
        logp = F.log_softmax(logits.float(), dim=-1).cpu()
        out = []
        for i, ((w, n), (_, cont)) in enumerate(zip(windows, pairs)):
            rows = logp[i, len(w) - n : len(w)]  # [n, V]: predictions of the continuation tokens
            target = torch.tensor(cont, dtype=torch.long)
            ll = rows.gather(-1, target[:, None]).sum().item()
            out.append((float(ll), bool((rows.argmax(-1) == target).all())))
        return out

    def score_all(self, pairs, desc: str, disable_tqdm: bool = False) -> list[tuple[float, bool]]:
        """`score_batch` over all pairs, longest first, results in the original order."""
        order = sorted(range(len(pairs)), key=lambda i: -len(pairs[i][0]) - len(pairs[i][1]))
        results: list = [None] * len(pairs)
        for start in tqdm(range(0, len(order), self.batch_size), desc=desc, disable=disable_tqdm):
            chunk = order[start : start + self.batch_size]
            for i, res in zip(chunk, self.score_batch([pairs[i] for i in chunk])):
                results[i] = res
        return results

    def _loglikelihood_tokens(self, requests, disable_tqdm: bool = False, **_):
        pairs = [(ctx, cont) for _, ctx, cont in requests]
        results = self.score_all(pairs, "loglikelihood", disable_tqdm)
        for (strings, _, _), res in zip(requests, results):
            if strings is not None:
                self.cache_hook.add_partial("loglikelihood", strings, res)
        return results

    def loglikelihood_rolling(self, requests, disable_tqdm: bool = False) -> list[float]:
        owners, pairs = [], []
        for idx, (string,) in enumerate(req.args for req in requests):
            windows = lm_utils.get_rolling_token_windows(
                token_list=self.tok_encode(string), prefix_token=self.prefix_token_id,
                max_seq_len=self.max_length, context_len=1)
            for pair in map(lm_utils.make_disjoint_window, windows):
                owners.append(idx)
                pairs.append(pair)
        totals = [0.0] * len(requests)
        for idx, (ll, _) in zip(owners, self.score_all(pairs, "loglikelihood_rolling", disable_tqdm)):
            totals[idx] += ll
        for req, total in zip(requests, totals):
            self.cache_hook.add_partial("loglikelihood_rolling", req.args, total)
        return totals

    # --- generation ----------------------------------------------------------------------------
    @torch.no_grad()
    def greedy(self, context: list[int], max_new: int, until: list[str]) -> str:
        """Greedy continuation of `context`, stepping the recurrent state one token at a time."""
        ids = torch.tensor([(context or [self.prefix_token_id])[-self.max_length :]], device=self.device)
        logits, state = self.model(ids, return_state=True)  # logits [1, T, V]
        new: list[int] = []
        while len(new) < max_new:
            token = int(logits[0, -1].argmax())
            if token == self.eot_token_id:
                break
            new.append(token)
            text = self.tok_decode(new)
            if any(stop in text for stop in until):
                break
            logits, state = self.model(torch.tensor([[token]], device=self.device), state=state,
                                       return_state=True)
        text = self.tok_decode(new)
        for stop in until:
            text = text.split(stop)[0]
        return text

    def generate_until(self, requests, disable_tqdm: bool = False) -> list[str]:
        out = []
        for context, gen_kwargs in tqdm([r.args for r in requests], desc="generate_until",
                                        disable=disable_tqdm):
            until = gen_kwargs.get("until", [])
            until = [until] if isinstance(until, str) else list(until)
            max_new = int(gen_kwargs.get("max_gen_toks", self.max_gen_toks))
            text = self.greedy(self.tok_encode(context), max_new, until)
            self.cache_hook.add_partial("generate_until", (context, gen_kwargs), text)
            out.append(text)
        return out
