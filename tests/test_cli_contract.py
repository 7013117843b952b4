"""The command-line contract, end to end: real Chroma on tmp_path, the real embedder."""

import json
import re
import shutil
import socket
import subprocess
from pathlib import Path
from typing import Any

import pytest
from fake_llm import FakeModel, Handler, events
from indexing import run
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

FirstRun = tuple[subprocess.CompletedProcess[str], dict[str, Any]]
FIXTURE = Path(__file__).parent / "data" / "socialnamnd_utdrag.txt"
PASSAGE_KEYS = {
    "rank",
    "source",
    "page",
    "line_start",
    "line_end",
    "section",
    "text",
    "raw_text",
    "score",
}
CITATION_KEYS = {
    "n",
    "source",
    "title",
    "dnr",
    "date",
    "page",
    "line_start",
    "line_end",
    "section",
    "quote",
    "raw_quote",
}


def write_pdf(path: Path, pages: list[list[str]]) -> None:
    pdf = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        y = 800
        for text in lines:
            pdf.drawString(60, y, text)
            y -= 16
        pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ws")
    docs = root / "docs"
    docs.mkdir()
    shutil.copy(FIXTURE, docs / "socialnamnd.txt")
    (docs / "latin1.txt").write_bytes("Äldrenämnden beslutar.".encode("latin-1"))
    write_pdf(
        docs / "protokoll.pdf",
        [
            [
                "Protokoll Äldrenämnden",
                "Sammanträdesdatum 2022-04-27",
                "",
                "Verksamhetsbidrag till PRO Saltsjöbaden (ÄLN 2022/57)",
                "",
                "Beslut",
                "",
                "Äldrenämnden beviljar PRO Saltsjöbaden ett verksamhetsbidrag med 80 000",
                "kronor för 2022. Bidragets användning ska redovisas skriftligen till",
                "äldrenämnden senast den 1 november 2022.",
            ],
            [
                "Protokoll Äldrenämnden",
                "",
                "Ärendet",
                "",
                "Föreningen har sökt 120 000 kronor för sin verksamhet med träffar, studiecirklar",
                "och friskvård för äldre i Saltsjöbaden. Förvaltningen föreslår ett lägre bidrag",
                "eftersom budgeten för föreningsbidrag är begränsad i år.",
            ],
        ],
    )
    (docs / "trasig.pdf").write_bytes("%PDF-1.4 detta är ingen riktig pdf".encode())
    return root


@pytest.fixture(scope="module")
def first_run(workspace: Path) -> FirstRun:
    proc = run("ingest", "docs", "--index", "idx", "--json", cwd=workspace)
    return proc, json.loads(proc.stdout)


def test_ingest_indexes_good_files_and_names_the_bad_ones(first_run: FirstRun) -> None:
    proc, report = first_run
    assert proc.returncode == 1
    assert sorted(report["indexed"]) == ["docs/protokoll.pdf", "docs/socialnamnd.txt"]
    failed = {f["path"]: f["error"] for f in report["failed"]}
    assert set(failed) == {"docs/latin1.txt", "docs/trasig.pdf"}
    assert "UTF-8" in failed["docs/latin1.txt"]
    assert "trasig.pdf" in failed["docs/trasig.pdf"]
    assert report["passages"] == report["added"] > 5
    assert report["removed"] == 0


def test_reindexing_unchanged_files_changes_nothing(workspace: Path, first_run: FirstRun) -> None:
    report = json.loads(
        run(
            "ingest",
            "docs/socialnamnd.txt",
            "docs/protokoll.pdf",
            "--index",
            "idx",
            "--json",
            cwd=workspace,
        ).stdout
    )
    assert report["skipped"] == ["docs/socialnamnd.txt", "docs/protokoll.pdf"]
    assert report["added"] == report["removed"] == 0
    assert report["passages"] == first_run[1]["passages"]


def test_answer_json_contract_for_a_text_file(workspace: Path, first_run: FirstRun) -> None:
    proc = run(
        "answer",
        "Vad beslutade socialnämnden om färdtjänsten?",
        "--index",
        "idx",
        "--json",
        cwd=workspace,
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["answered"] is True
    assert "förlänga avtalet" in out["answer"] and "[1]" in out["answer"]
    cited = out["citations"][0]
    assert cited.keys() >= CITATION_KEYS
    assert cited["source"] == "docs/socialnamnd.txt"
    assert (cited["line_start"], cited["line_end"], cited["page"]) == (35, 35, None)
    assert cited["dnr"] == "SN 2023:21" and cited["section"] == "Beslut"
    assert len(out["passages"]) == 5
    assert all(p.keys() >= PASSAGE_KEYS for p in out["passages"])
    assert [p["rank"] for p in out["passages"]] == [1, 2, 3, 4, 5]


def test_answer_cites_the_pdf_page(workspace: Path, first_run: FirstRun) -> None:
    proc = run(
        "answer",
        "Hur mycket hade PRO Saltsjöbaden sökt i bidrag?",
        "--index",
        "idx",
        "--json",
        "--top-k",
        "3",
        cwd=workspace,
    )
    out = json.loads(proc.stdout)
    assert out["answered"] and "120 000" in out["answer"]
    cited = out["citations"][0]
    assert (cited["source"], cited["page"], cited["line_start"]) == ("docs/protokoll.pdf", 2, None)
    assert len(out["passages"]) == 3


def test_unanswerable_question_is_declined(workspace: Path, first_run: FirstRun) -> None:
    out = json.loads(
        run(
            "answer",
            "Hur många elever går på Ekby gymnasium?",
            "--index",
            "idx",
            "--json",
            cwd=workspace,
        ).stdout
    )
    assert out["answered"] is False
    assert out["citations"] == []
    assert "besvarar inte" in out["answer"]


def test_batch_answers_each_line_in_order(workspace: Path, first_run: FirstRun) -> None:
    questions = (
        "När löper färdtjänstavtalet ut?\n"
        '{"question": "Vem utsågs till ersättare i krisledningsnämnden?", "id": 7}\n'
    )
    proc = run("answer", "--batch", "-", "--index", "idx", cwd=workspace, stdin=questions)
    lines = [json.loads(x) for x in proc.stdout.splitlines()]
    assert [x["question"] for x in lines] == [
        "När löper färdtjänstavtalet ut?",
        "Vem utsågs till ersättare i krisledningsnämnden?",
    ]
    assert "30 juni 2023" in lines[0]["answer"]
    assert "Åsa Öberg" in lines[1]["answer"]


def test_a_changed_file_replaces_its_passages(workspace: Path, first_run: FirstRun) -> None:
    target = workspace / "docs" / "socialnamnd.txt"
    before = json.loads(
        run(
            "answer", "Vem utsågs till ersättare?", "--index", "idx", "--json", cwd=workspace
        ).stdout
    )
    target.write_text(
        target.read_text(encoding="utf-8").replace("Åsa Öberg", "Örjan Ståhl"), encoding="utf-8"
    )
    report = json.loads(
        run("ingest", "docs/socialnamnd.txt", "--index", "idx", "--json", cwd=workspace).stdout
    )
    assert report["indexed"] == ["docs/socialnamnd.txt"]
    assert report["removed"] == report["added"] > 0
    assert report["passages"] == first_run[1]["passages"]
    after = json.loads(
        run(
            "answer", "Vem utsågs till ersättare?", "--index", "idx", "--json", cwd=workspace
        ).stdout
    )
    assert "Åsa Öberg" in before["answer"] and "Örjan Ståhl" in after["answer"]


def test_bad_usage_exits_2(workspace: Path) -> None:
    assert run("answer", "--index", "idx", cwd=workspace).returncode == 2


def answer_json(workspace: Path, *args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    proc = run("answer", *args, "--index", "idx", "--json", cwd=workspace, env=env)
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def test_where_keeps_retrieval_inside_one_committee(workspace: Path, first_run: FirstRun) -> None:
    question = "Vad beslutade nämnden om bidrag och avtal?"
    everywhere = answer_json(workspace, question, "--top-k", "8")
    assert {p["source"] for p in everywhere["passages"]} == {
        "docs/socialnamnd.txt",
        "docs/protokoll.pdf",
    }
    # The committee as a person types it: case does not matter.
    only = answer_json(workspace, question, "--top-k", "8", "--where", "committee=äldrenämnden")
    assert only["passages"], "the filter must leave the committee's own passages"
    assert {p["committee"] for p in only["passages"]} == {"Äldrenämnden"}
    assert {p["source"] for p in only["passages"]} == {"docs/protokoll.pdf"}


def test_dates_keep_retrieval_inside_a_period(workspace: Path, first_run: FirstRun) -> None:
    question = "Vad beslutade nämnden?"
    late = answer_json(workspace, question, "--top-k", "8", "--from", "2023-01-01")
    assert late["passages"] and all(p["date"] >= "2023-01-01" for p in late["passages"])
    early = answer_json(workspace, question, "--top-k", "8", "--to", "2022-12")
    assert early["passages"] and all(p["date"] <= "2022-12-31" for p in early["passages"])
    assert {p["source"] for p in early["passages"]} == {"docs/protokoll.pdf"}


def test_an_unknown_filter_value_names_the_values_there_are(workspace: Path) -> None:
    proc = run(
        "answer",
        "Vad beslutade nämnden?",
        "--index",
        "idx",
        "--where",
        "committee=Kulturnämnden",
        cwd=workspace,
    )
    assert proc.returncode == 2
    assert "Kulturnämnden" in proc.stderr and "Socialnämnden" in proc.stderr
    bad_day = run("answer", "Vad?", "--index", "idx", "--from", "igår", cwd=workspace)
    assert bad_day.returncode == 2 and "ÅÅÅÅ-MM-DD" in bad_day.stderr


def test_a_follow_up_is_read_with_the_history(workspace: Path, first_run: FirstRun) -> None:
    history = workspace / "samtal.txt"
    history.write_text(
        "Vad beslutade socialnämnden om ungdomsmottagningens öppettider?\n", encoding="utf-8"
    )
    out = answer_json(workspace, "Och vad kostar det?", "--history", str(history))
    assert out["question"] == "Och vad kostar det?"
    assert "ungdomsmottagningens" in out["resolved_question"]
    assert out["answered"] and "240 000 kronor" in out["answer"]
    assert out["backend"] == "extractive" and out["notice"] is None


def test_filters_apply_before_the_top_passages_are_taken(
    workspace: Path, first_run: FirstRun
) -> None:
    # The question is about Socialnämnden's passages; were the filter applied to the top two
    # afterwards, nothing would be left. Inside retrieval, the committee's own two remain.
    out = answer_json(
        workspace,
        "Vad beslutade socialnämnden om färdtjänst?",
        "--top-k",
        "2",
        "--where",
        "committee=Äldrenämnden",
    )
    assert [p["source"] for p in out["passages"]] == ["docs/protokoll.pdf"] * 2


DECISION = "Socialnämnden beslutar att förlänga avtalet om färdtjänst"


def cites_the_decision(handler: Handler) -> None:
    """A model that answers from the passage holding the decision, citing its number."""
    prompt = handler.server.fake.requests[-1]["body"]["messages"][-1]["content"]
    blocks = re.findall(r"<<< Passage \[(\d+)\]\n(.*?)\n>>>", prompt, re.DOTALL)
    n = next(number for number, text in blocks if DECISION in " ".join(text.split()))
    events(
        "Socialnämnden beslutade att förlänga avtalet om färdtjänst med Resebolaget ",
        f"Norrsken AB till och med den 31 december 2024 [{n}].",
    )(handler)


def test_the_llm_backend_writes_a_checked_answer(
    workspace: Path, first_run: FirstRun, fake: FakeModel
) -> None:
    fake.reply = cites_the_decision
    env = {"NAMNDSVAR_LLM_URL": fake.url}  # one setting: the model is the endpoint's first
    out = answer_json(workspace, "Vad beslutade socialnämnden om färdtjänsten?", env=env)
    assert out["backend"] == "llm" and out["model"] == "testmodell", out["notice"]
    assert out["answer"].startswith("Socialnämnden beslutade att förlänga avtalet")
    assert out["answer"].endswith("[1]")
    assert DECISION in out["citations"][0]["quote"]  # the document's words, not the model's
    assert out["citations"][0]["source"] == "docs/socialnamnd.txt"


def test_an_llm_that_cannot_be_reached_gives_the_extractive_answer(
    workspace: Path, first_run: FirstRun
) -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {"NAMNDSVAR_LLM_URL": f"http://127.0.0.1:{port}/v1", "NAMNDSVAR_LLM_MODEL": "m"}
    out = answer_json(workspace, "Vad beslutade socialnämnden om färdtjänsten?", env=env)
    assert out["backend"] == "extractive" and "förlänga avtalet" in out["answer"]
    assert out["notice"] and f"127.0.0.1:{port}" in out["notice"]
