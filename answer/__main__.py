"""``python -m answer "QUESTION" [--index DIR] [--top-k N] [--json]`` and ``--batch FILE``.

``--where KEY=VALUE`` (municipality, committee, doc_type), ``--from DATE`` and ``--to DATE``
filter the passages searched; ``--history FILE`` holds the conversation's earlier questions
(as ``--batch`` reads them), so that the question is read as their follow-up."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from answer.generate import Draft, GeneratedAnswer
from answer.llm import LlmSettings
from answer.render import render_text
from answer.service import Assistant
from index.filters import Facets, FilterProblem, Filters, parse_day, parse_end_day
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
    parser.add_argument(
        "--where",
        action="append",
        default=[],
        metavar="NYCKEL=VÄRDE",
        help="filter: municipality=…, committee=… eller doc_type=… (kan upprepas)",
    )
    parser.add_argument("--from", dest="date_from", metavar="DATUM", help="handlingar från DATUM")
    parser.add_argument("--to", dest="date_to", metavar="DATUM", help="handlingar till DATUM")
    parser.add_argument(
        "--history", help="fil med samtalets tidigare frågor, äldst först (som --batch)"
    )
    args = parser.parse_args(argv)
    if (args.question is None) == (args.batch is None):
        parser.error("ange antingen en fråga eller --batch FILE")
    if args.top_k < 1:
        parser.error("--top-k måste vara minst 1")
    try:
        llm = LlmSettings.from_env(os.environ)
        assistant = Assistant.open(IndexSettings.from_env(args.index), llm)
    except (IndexProblem, ValueError) as e:
        print(str(e), file=sys.stderr)
        return 1
    try:
        filters = _filters(args, assistant.facets())
    except FilterProblem as e:
        print(str(e), file=sys.stderr)
        return 2
    earlier: list[str] = []
    if args.history is not None:
        try:
            earlier = list(_batch_questions(args.history))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f"{args.history}: kan inte läsa samtalet ({e})", file=sys.stderr)
            return 2
    if args.batch is not None:
        try:
            questions = list(_batch_questions(args.batch))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            print(f"{args.batch}: kan inte läsa frågorna ({e})", file=sys.stderr)
            return 2
        for question in questions:
            _print_json(_final(assistant.answer(question, args.top_k, filters, earlier)))
        return 0
    final = _final(assistant.answer(args.question, args.top_k, filters, earlier))
    if args.json:
        _print_json(final)
    else:
        notice = f"({final.notice})\n" if final.notice else ""
        sys.stdout.write(notice + render_text(final.answer))
    return 0


def _final(progress: Iterator[Draft | GeneratedAnswer]) -> GeneratedAnswer:
    """The last state of an answer in progress: the answer itself."""
    final: GeneratedAnswer | None = None
    for state in progress:
        if isinstance(state, GeneratedAnswer):
            final = state
    if final is None:  # generate always ends with an answer; this is a broken promise
        raise RuntimeError("svaret blev aldrig klart")
    return final


def _filters(args: argparse.Namespace, facets: Facets) -> Filters:
    """The filters the flags ask for, with values spelled as the index has them."""
    values: dict[str, str] = {}
    for item in args.where:
        key, sep, value = item.partition("=")
        if not sep or not value.strip():
            raise FilterProblem(
                f"--where {item!r}: skriv NYCKEL=VÄRDE, t.ex. committee=Socialnämnden"
            )
        values[key.strip()] = facets.resolve(key.strip(), value)
    date_from = parse_day(args.date_from, "--from") if args.date_from else None
    date_to = parse_end_day(args.date_to, "--to") if args.date_to else None
    if date_from and date_to and date_from > date_to:
        raise FilterProblem("--from ligger efter --to; byt plats på datumen.")
    return Filters(**values, date_from=date_from, date_to=date_to)


def _print_json(answer: GeneratedAnswer) -> None:
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
