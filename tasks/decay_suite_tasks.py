"""Offline loaders for the decay-suite lm-eval tasks (the YAML files next to this module).

Each `load_*` function is an lm-eval `custom_dataset`: it is called with the task's metadata and
returns a `datasets.DatasetDict`. Data come from `tasks/data` next to this file (written by
`suite prepare-eval --out tasks/data`; every file sha256-checked on load) unless the metadata key
`eval_data` names another directory, so no path depends on the working directory. The prompts
are those of lm-eval's built-in tasks; their preprocessing functions are imported, not copied.

    from lm_eval.tasks import TaskManager
    tm = TaskManager(include_path="tasks", include_defaults=False)
"""

from __future__ import annotations

from pathlib import Path

import datasets
from lm_eval.tasks.hellaswag.utils import process_docs as hellaswag_process_docs  # noqa: F401
from lm_eval.tasks.winogrande.preprocess_winogrande import (  # noqa: F401
    doc_to_choice as winogrande_doc_to_choice,
    doc_to_target as winogrande_doc_to_target,
    doc_to_text as winogrande_doc_to_text,
)

from suite.eval.evalsets import heldout_documents, heldout_path, load_split

DATA = Path(__file__).resolve().parent / "data"


def _validation(name: str, eval_data: str | None = None) -> datasets.DatasetDict:
    return datasets.DatasetDict({"validation": load_split(name, eval_data or DATA)})


def load_piqa(eval_data=None, **_):
    return _validation("piqa", eval_data)


def load_hellaswag(eval_data=None, **_):
    return _validation("hellaswag", eval_data)


def load_winogrande(eval_data=None, **_):
    return _validation("winogrande", eval_data)


def load_arc_easy(eval_data=None, **_):
    return _validation("arc_easy", eval_data)


def load_arc_challenge(eval_data=None, **_):
    return _validation("arc_challenge", eval_data)


def load_openbookqa(eval_data=None, **_):
    return _validation("openbookqa", eval_data)


def load_boolq(eval_data=None, **_):
    """BoolQ as shipped has a boolean `answer`; lm-eval's prompt reads `label` (0 no, 1 yes)."""
    ds = load_split("boolq", eval_data or DATA)
    ds = ds.map(lambda doc: {"label": int(doc["answer"])}, load_from_cache_file=False)
    return datasets.DatasetDict({"validation": ds})


def load_lambada_openai(eval_data=None, **_):
    return datasets.DatasetDict({"test": load_split("lambada_openai", eval_data or DATA)})


def load_corpus_heldout(heldout_text=None, **_):
    """The corpus test split as documents of >= 2000 characters (cut at line ends)."""
    text = heldout_path(heldout_text).read_text(encoding="utf-8")
    return datasets.DatasetDict({"test": datasets.Dataset.from_dict({"text": heldout_documents(text)})})
