"""A chat in a process of its own for the tests: opens the index as ``app.py`` does and asks
its questions in turn every ``pause`` seconds until ``seconds`` have passed, one JSON line per
answer (the time, the question, the files of the passages it was answered from, or the
error).

``python tests/chat_loop.py INDEX SECONDS PAUSE QUESTION...``
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from answer.service import Assistant
from index.settings import IndexSettings


def main(argv: list[str]) -> int:
    index, seconds, pause, questions = Path(argv[0]), float(argv[1]), float(argv[2]), argv[3:]
    assistant = Assistant.open(IndexSettings(path=index))
    print(json.dumps({"ready": time.time()}), flush=True)
    end = time.time() + seconds
    turn = 0
    while time.time() < end:
        question = questions[turn % len(questions)]
        turn += 1
        row: dict[str, object] = {"question": question}
        try:
            answer = assistant.ask(question)
            row["files"] = sorted({Path(c.source).name for c in answer.citations})
            row["passages"] = sorted({Path(h.source).name for h in answer.passages})
        except Exception as e:  # reported, not fatal: the test counts them
            row["error"] = f"{type(e).__name__}: {e}"
        row["time"] = time.time()
        print(json.dumps(row, ensure_ascii=False), flush=True)
        time.sleep(pause)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
