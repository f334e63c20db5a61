"""The process the crash harness kills: ``python -m tests.crash.child SCENARIO TRIAL_FOLDER``.

It reads ``params.json`` from the trial folder and runs the scenario's ``work`` (see
:mod:`tests.crash.scenarios`), which reports each returned commit in ``log.jsonl``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.crash.scenarios import SCENARIOS, Trial


def main(argv: list[str]) -> int:
    name, folder = argv[0], Path(argv[1])
    params = json.loads((folder / "params.json").read_text(encoding="utf-8"))
    SCENARIOS[name].work(Trial(folder, params))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
