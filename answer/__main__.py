"""``python -m answer "QUESTION" [--index DIR] [--top-k N] [--json]`` and ``--batch FILE``."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from answer.records import Answer
from answer.render import render_text
from answer.service import Assistant
from index.settings import IndexSettings
from index.store import IndexProblem


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m answer", description="Ställ en fråga till de indexerade handlingarna."
    )
    parser.add_argument("question", nargs="?", help="frågan, på svenska")
    parser.add_argument("--index", help="indexmapp (standard: data/index eller $NAMNDSVAR_INDEX)")
    parser.add_argument("--top-k", type=int, default=5, help="antal passager (standard 5)")
    parser.add_argument("--json", action="store_true", help="skriv svaret som JSON")
    parser.add_argument("--batch", help="fil med en fråga per rad (text eller JSON); - för stdin")
    args = parser.parse_args(argv)
    if (args.question is None) == (args.batch is None):
        parser.error("ange antingen en fråga eller --batch FILE")
    if args.top_k < 1:
        parser.error("--top-k måste vara minst 1")
    try:
        assistant = Assistant.open(IndexSettings.from_env(args.index))
    except (IndexProblem, ValueError) as e:
        print(str(e), file=sys.stderr)
        return 1
    if args.batch is not None:
        try:
            questions = list(_batch_questions(args.batch))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f"{args.batch}: kan inte läsa frågorna ({e})", file=sys.stderr)
            return 2
        for question in questions:
            _print_json(assistant.ask(question, top_k=args.top_k))
        return 0
    answer = assistant.ask(args.question, top_k=args.top_k)
    if args.json:
        _print_json(answer)
    else:
        sys.stdout.write(render_text(answer))
    return 0


def _print_json(answer: Answer) -> None:
    sys.stdout.write(json.dumps(answer.to_json(), ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _batch_questions(name: str) -> Iterator[str]:
    data = sys.stdin.buffer.read() if name == "-" else Path(name).read_bytes()
    for line in data.decode("utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("{"):
            obj = json.loads(line)
            if not isinstance(obj, dict) or not isinstance(obj.get("question"), str):
                raise ValueError(f"raden saknar en 'question': {line[:60]}")
            yield obj["question"]
        else:
            yield line


if __name__ == "__main__":
    raise SystemExit(main())
