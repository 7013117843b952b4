"""The chat as people use it, in a real headless Chromium (Debian's, driven by Playwright): ask,
read the answer and its source card, open the source, follow up, filter; as an administrator,
upload a PDF, index it, ask about it, remove it. Each step leaves a screenshot in
``test-artifacts/browser/`` (or ``$NAMNDSVAR_ARTIFACTS``)."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from indexing import ingest_corpus
from playwright.sync_api import Page, expect, sync_playwright
from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen import canvas

from app import ALL, PLACEHOLDER
from bench.browser import CHROMIUM, FLAGS, serving
from bench.scans import FONT_PATH

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "data" / "socialnamnd_utdrag.txt"
ARTIFACTS = Path(os.environ.get("NAMNDSVAR_ARTIFACTS", ROOT / "test-artifacts" / "browser"))
ANSWER_WAIT = 60_000
INDEX_WAIT = 240_000


def write_pdf(path: Path, lines: list[str], header: list[str]) -> None:
    pdfmetrics.registerFont(TTFont("Vera", str(FONT_PATH)))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    pdf.setFont("Vera", 11)
    y = 800
    for text in [*header, "", *lines]:
        if text:
            pdf.drawString(60, y, text)
        y -= 16
    pdf.showPage()
    pdf.save()


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpus of a social services protocol (text) and an elderly care protocol (PDF),
    indexed by the real ingest CLI."""
    root = tmp_path_factory.mktemp("browser")
    corpus = root / "corpus"
    corpus.mkdir()
    shutil.copy(FIXTURE, corpus / "socialnamnd.txt")
    write_pdf(
        corpus / "aldrenamnd.pdf",
        [
            "Äldrenämnden beviljar PRO Saltsjöbaden ett verksamhetsbidrag med 80 000",
            "kronor för 2022. Bidragets användning ska redovisas skriftligen till",
            "äldrenämnden senast den 1 november 2022.",
        ],
        [
            "Protokoll Äldrenämnden",
            "Sammanträdesdatum 2022-04-27",
            "",
            "Verksamhetsbidrag till PRO Saltsjöbaden (ÄLN 2022/57)",
            "",
            "Beslut",
        ],
    )
    assert len(ingest_corpus(root)["indexed"]) == 2
    return root


@pytest.fixture(scope="module")
def app_url(workspace: Path) -> Iterator[str]:
    with serving(Path("index"), cwd=workspace, env={"NAMNDSVAR_ADMIN": "1"}) as url:
        yield url


@pytest.fixture(scope="module")
def page(app_url: str) -> Iterator[Page]:
    assert CHROMIUM.exists(), "Debian's chromium is missing: `make setup` installs it"
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=FLAGS)
        context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="sv-SE")
        tab = context.new_page()
        tab.goto(app_url)
        expect(tab.get_by_placeholder(PLACEHOLDER)).to_be_visible(timeout=30_000)
        yield tab
        context.close()
        browser.close()


def shot(page: Page, name: str) -> None:
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def ask(page: Page, question: str) -> float:
    """Type the question, press Enter; the seconds until the answer's first text shows."""
    box = page.get_by_placeholder(PLACEHOLDER)
    box.fill(question)
    bots = page.locator("#samtal [data-testid='bot']")
    before = bots.count()
    started = time.perf_counter()
    box.press("Enter")
    expect(bots).to_have_count(before + 1, timeout=ANSWER_WAIT)
    expect(bots.last).not_to_have_text("", timeout=ANSWER_WAIT)
    seconds = time.perf_counter() - started
    expect(page.locator("#samtal .pending, #samtal .generating")).to_have_count(0)
    return seconds


def accessible(page: Page, name: str) -> None:
    """axe-core's WCAG 2.1 AA rules on the page as it stands: no serious or critical
    violation; the whole report is kept beside the screenshots."""
    report = Axe().run(page, options={"runOnly": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]})
    violations = report.response["violations"]
    (ARTIFACTS / f"{name}-axe.json").write_text(
        json.dumps(violations, ensure_ascii=False, indent=1), encoding="utf-8"
    )
    grave = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not grave, grave


def last_answer(page: Page) -> str:
    return page.locator("#samtal [data-testid='bot']").last.inner_text()


def choose(page: Page, label: str, option: str) -> None:
    """Pick ``option`` in the Gradio dropdown labelled ``label``, by keyboard."""
    field = page.get_by_role("combobox", name=label, exact=True)
    field.click()
    page.get_by_role("option", name=option).first.click()


def test_01_the_page_opens_in_swedish(page: Page) -> None:
    expect(page.get_by_role("heading", name="Nämndsvar")).to_be_visible()
    expect(page.get_by_role("button", name="Fråga", exact=True)).to_be_visible()
    expect(page.get_by_text("Exempel på frågor")).to_be_visible()
    shot(page, "01-start")
    accessible(page, "01-start")


def test_02_an_answer_with_its_source_card(page: Page) -> None:
    seconds = ask(page, "Vad beslutade socialnämnden om färdtjänsten?")
    answer = last_answer(page)
    assert "förlänga avtalet" in answer and "[1]" in answer
    card = page.locator("#kallor .nv-card").first
    expect(card).to_contain_text("Avtal om färdtjänst med Resebolaget Norrsken AB")
    expect(card).to_contain_text("SN 2023:21")
    expect(card.locator("mark")).to_contain_text("förlänga avtalet")
    shot(page, "02-svar-och-kalla")
    accessible(page, "02-svar-och-kalla")
    print(f"\nFörsta svarstext efter {seconds * 1000:.0f} ms")


def test_03_the_source_opens_at_the_cited_lines(page: Page) -> None:
    button = page.locator("#kallor .nv-card").first.get_by_role("button", name="Öppna källan [1]")
    button.focus()
    page.keyboard.press("Enter")
    view = page.locator("#kallvisning")
    expect(view.locator(".nv-cited mark").first).to_contain_text("förlänga avtalet")
    expect(view).to_contain_text("socialnamnd.txt")
    shot(page, "03-oppnad-kalla")
    accessible(page, "03-oppnad-kalla")


def test_04_a_follow_up_is_read_with_the_question_before(page: Page) -> None:
    ask(page, "När löper det ut?")
    answer = last_answer(page)
    assert "Läst som följdfråga" in answer
    assert "31 december 2024" in answer or "30 juni 2023" in answer
    shot(page, "04-foljdfraga")


def test_05_a_filter_keeps_the_answer_to_one_committee(page: Page) -> None:
    page.get_by_text("Avgränsa sökningen").click()
    choose(page, "Nämnd", "Äldrenämnden")
    ask(page, "Vilket bidrag beviljade nämnden?")
    assert "80 000 kronor" in last_answer(page)
    cards = page.locator("#kallor .nv-card")
    for i in range(cards.count()):
        expect(cards.nth(i)).to_contain_text("Äldrenämnden")
    choose(page, "Öppna källan vid citatet", "[1] Verksamhetsbidrag till PRO Saltsjöbaden")
    expect(page.locator("#kallsida img")).to_be_visible()
    expect(page.locator("#kallvisning")).to_contain_text("De citerade orden är markerade")
    shot(page, "05-filter-och-pdf-sida")
    choose(page, "Nämnd", "Alla")


def test_06_an_administrator_uploads_indexes_asks_and_removes(page: Page, workspace: Path) -> None:
    upload = workspace / "Kulturnämnden beslut (2023).pdf"
    write_pdf(
        upload,
        [
            "Kulturnämnden beslutar att bevilja Ekby hembygdsförening 15 000 kronor",
            "för en utställning om Ekbys kvarnar under sommaren 2023.",
        ],
        ["Protokoll Kulturnämnden", "Sammanträdesdatum 2023-02-08", "", "Beslut"],
    )
    page.get_by_role("tab", name="Administration").click()
    page.locator("#uppladdning input[type=file]").set_input_files(str(upload))
    page.get_by_role("button", name="Indexera").click()
    status = page.locator("#indexstatus")
    expect(status).to_contain_text("Indexerat: Kulturnämnden_beslut_2023.pdf", timeout=INDEX_WAIT)
    expect(page.locator("#dokument")).to_contain_text(
        "corpus/uppladdat/Kulturnämnden_beslut_2023.pdf"
    )
    assert (workspace / "corpus" / "uppladdat" / "Kulturnämnden_beslut_2023.pdf").is_file()
    shot(page, "06-admin-indexerat")
    accessible(page, "06-admin-indexerat")

    page.get_by_role("tab", name="Fråga").click()
    ask(page, "Hur mycket fick Ekby hembygdsförening för utställningen om kvarnarna?")
    assert "15 000 kronor" in last_answer(page)
    shot(page, "07-svar-om-uppladdat")

    page.get_by_role("tab", name="Administration").click()
    choose(page, "Ta bort dokument", "corpus/uppladdat/Kulturnämnden_beslut_2023.pdf")
    page.get_by_role("button", name="Ta bort", exact=True).click()
    expect(status).to_contain_text("Tog bort Kulturnämnden_beslut_2023.pdf")
    expect(page.locator("#dokument")).not_to_contain_text("Kulturnämnden_beslut_2023.pdf")
    assert not (workspace / "corpus" / "uppladdat" / "Kulturnämnden_beslut_2023.pdf").exists()
    shot(page, "08-admin-borttaget")

    page.get_by_role("tab", name="Fråga").click()
    ask(page, "Hur mycket fick Ekby hembygdsförening för utställningen om kvarnarna?")
    assert "15 000 kronor" not in last_answer(page)


def test_07_the_page_works_at_phone_width(page: Page) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    expect(page.get_by_placeholder(PLACEHOLDER)).to_be_visible()
    shot(page, "09-mobil")
    accessible(page, "09-mobil")
    page.set_viewport_size({"width": 1366, "height": 900})


# --- by keyboard alone -------------------------------------------------------------------------

TAB_LIMIT = 200
"""Tab presses at most for one walk; the page has ~25 stops."""
ATTEMPTS = 3
RETRY_MS = 1500
FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const label = e.labels && e.labels.length ? e.labels[0].innerText : '';
  const name = e.getAttribute('aria-label') || label || e.innerText || '';
  const hint = e.getAttribute('placeholder');
  const tidy = (s) => s.replace('▼', '').replace(/\\s+/g, ' ').trim().slice(0, 60);
  return `${e.getAttribute('role') || e.tagName.toLowerCase()} "${tidy(name)}"`
    + (hint ? ` ⟨${tidy(hint)}⟩` : '');
}"""
"""The focused element as ``role "name" ⟨placeholder⟩`` (the tag when it has no role; its
aria-label, else its <label>, else its text); None when focus is on no element of the page."""
QUESTION_BOX = f"⟨{PLACEHOLDER}⟩"
FILTER_BUTTON = 'button "Avgränsa sökningen"'
FILTER_FIELDS = [
    'combobox "Kommun"',
    'combobox "Nämnd"',
    'combobox "Dokumenttyp"',
    'textarea "Från datum"',
    'textarea "Till datum"',
]


def focused(page: Page) -> str | None:
    found: str | None = page.evaluate(FOCUSED)
    return found


def is_(entry: str | None, target: str) -> bool:
    """Is ``entry`` the element ``target`` names: ``role "name"``, or ``⟨placeholder⟩``?"""
    if entry is None:
        return False
    return entry == target or entry.startswith(f"{target} ⟨") or entry.endswith(f" {target}")


def from_the_top(page: Page) -> None:
    """Focus on nothing, Tab's next stop the page's first (where a keyboard user starts)."""
    page.get_by_role("heading", name="Nämndsvar").click()
    assert focused(page) is None, focused(page)


def walk(page: Page) -> list[str]:
    """Tab from the top of the page until focus leaves it past the footer's links: every stop,
    in order. Focus that drops to the page before the footer (a message re-rendered under it
    while the machine is busy) starts the walk again, three times at most."""
    for _ in range(ATTEMPTS):
        from_the_top(page)
        stops: list[str] = []
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            now = focused(page)
            if now is None:
                break
            stops.append(now)
        else:
            raise AssertionError(f"{TAB_LIMIT} × Tab never left the page: {stops}")
        if past_footer(stops):
            return stops
        page.wait_for_timeout(RETRY_MS)
    raise AssertionError(f"focus fell off the page before its footer: {stops}")


def past_footer(stops: list[str]) -> bool:
    """The walk reached Gradio's footer (its link "Byggt med Gradio" among the last stops)."""
    return any(stop.startswith(("a ", "link ")) for stop in stops[-3:])


def tab_to(page: Page, target: str, pace: int = 0) -> None:
    """Tab from the top of the page until ``target`` has focus, waiting ``pace`` ms after
    leaving a dropdown (Gradio sends its input event when it loses focus: a person's pace
    lets the answer arrive before the next key). Focus that drops to the page before the
    footer starts again, as in :func:`walk`."""
    for _ in range(ATTEMPTS):
        from_the_top(page)
        stops: list[str] = []
        for _ in range(TAB_LIMIT):
            page.keyboard.press("Tab")
            if pace and stops and stops[-1].startswith("combobox"):
                page.wait_for_timeout(pace)
            now = focused(page)
            if now is None and stops:
                break
            if is_(now, target):
                return
            stops.append(now or "(nothing)")
        if past_footer(stops):
            break  # a whole walk without the target: no retry helps
        page.wait_for_timeout(RETRY_MS)
    raise AssertionError(f"Tab went round without reaching {target}; it stopped on: {stops}")


def first(stops: list[str], target: str) -> int:
    """Where ``target`` is among the stops of a walk."""
    at = next((i for i, s in enumerate(stops) if is_(s, target)), None)
    assert at is not None, f"Tab never reached {target}; it stopped on, in order: {stops}"
    return at


def scrolled(page: Page, key: str, moved: Callable[[float], bool]) -> float:
    """Press ``key``: the focused element's scrollTop once ``moved`` holds for it (3 s)."""
    page.keyboard.press(key)
    for _ in range(30):
        top: float = page.evaluate("() => document.activeElement.scrollTop")
        if moved(top):
            return top
        page.wait_for_timeout(100)
    raise AssertionError(f"{key} on {focused(page)} left its scrollTop at {top}")


def scrolls_by_keyboard(page: Page, target: str) -> None:
    """``target`` has focus and overflows: Home, then ArrowDown and PageDown move it down."""
    assert is_(focused(page), target), f"{target} lost focus to {focused(page)}"
    sizes = page.evaluate(
        "() => [document.activeElement.scrollHeight, document.activeElement.clientHeight]"
    )
    assert sizes[0] > sizes[1], f"{target} does not overflow (scrollHeight, clientHeight): {sizes}"
    scrolled(page, "Home", lambda top: top == 0)
    down = scrolled(page, "ArrowDown", lambda top: top > 0)
    scrolled(page, "PageDown", lambda top: top > down)


def pick_by_keyboard(page: Page, label: str, option: str) -> None:
    """Tab to the dropdown ``label``, type the start of ``option``, ArrowDown, Enter."""
    tab_to(page, f'combobox "{label}"')
    page.keyboard.type(option[:5])
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    expect(page.get_by_role("combobox", name=label, exact=True)).to_have_value(option)


def card_numbers(page: Page) -> list[str]:
    found = [b.get_attribute("data-n") or "" for b in page.locator("#kallor button.nv-open").all()]
    assert found and all(found), found
    return found


def test_08_a_new_conversation_and_a_question_by_keyboard(page: Page) -> None:
    tab_to(page, 'button "Rensa samtalet"')
    page.keyboard.press("Enter")
    expect(page.locator("#samtal [data-testid='bot']")).to_have_count(0)
    expect(page.locator("#kallvisning")).to_have_text("")
    tab_to(page, QUESTION_BOX)
    page.keyboard.type("Vad beslutade socialnämnden om färdtjänsten?")
    page.keyboard.press("Enter")
    expect(page.locator("#kallor .nv-card").first).to_contain_text(
        "förlänga avtalet", timeout=ANSWER_WAIT
    )
    expect(page.locator("#samtal .pending, #samtal .generating")).to_have_count(0)


def test_09_tab_reaches_every_control_and_shift_tab_goes_back(page: Page) -> None:
    stops = walk(page)
    print("\nTab:", " → ".join(stops))
    expect(page.get_by_role("listbox"), "a dropdown Tab passed is still open").to_have_count(0)
    box, send = first(stops, QUESTION_BOX), first(stops, 'button "Fråga"')
    assert box < send < first(stops, FILTER_BUTTON) < first(stops, 'button "Rensa samtalet"')
    for n in card_numbers(page):
        quote = first(stops, f'region "Citat [{n}] i sitt sammanhang"')
        assert quote < first(stops, f'button "Öppna källan [{n}]"'), stops
    back: list[str] = []  # Shift+Tab wraps round at the top without leaving the page
    for _ in stops:
        page.keyboard.press("Shift+Tab")
        back.append(focused(page) or "(nothing)")
    assert back == stops[::-1], f"Tab: {stops}\nShift+Tab: {back}"


def test_10_the_filters_open_and_work_by_keyboard(page: Page) -> None:
    """Enter and Space on "Avgränsa sökningen" close and open it (whichever state an earlier
    step left); its five fields are the next stops; a dropdown is chosen by typing."""
    tab_to(page, FILTER_BUTTON)
    kommun = page.get_by_role("combobox", name="Kommun", exact=True)
    if kommun.is_visible():
        page.keyboard.press("Enter")
        expect(kommun).to_be_hidden()
    page.keyboard.press(" ")
    expect(kommun).to_be_visible()
    assert is_(focused(page), FILTER_BUTTON), focused(page)
    after = []
    for _ in FILTER_FIELDS:
        page.keyboard.press("Tab")
        after.append(focused(page) or "(nothing)")
    assert all(is_(s, f) for s, f in zip(after, FILTER_FIELDS, strict=True)), after
    expect(page.get_by_role("listbox"), "a dropdown Tab passed is still open").to_have_count(0)
    shot(page, "10-tangentbord-filter")
    pick_by_keyboard(page, "Nämnd", "Äldrenämnden")
    pick_by_keyboard(page, "Nämnd", ALL)
    tab_to(page, FILTER_BUTTON)
    page.keyboard.press("Enter")
    expect(kommun).to_be_hidden()


def test_11_a_card_scrolls_and_opens_its_source_by_keyboard(page: Page) -> None:
    """The quote scrolls; Enter on "Öppna källan" opens the source, which stays open while
    Tab goes on past the dropdowns to its lines, which scroll.
    The fixture's quotes are short: a long one is made by capping the box's height (its CSS
    caps it at 16em and scrolls past that)."""
    n = card_numbers(page)[0]
    quote = f'region "Citat [{n}] i sitt sammanhang"'
    tab_to(page, quote)
    page.evaluate(
        "() => { const e = document.activeElement;"
        " if (e.scrollHeight <= e.clientHeight) e.style.maxHeight = '1.5em'; }"
    )
    scrolls_by_keyboard(page, quote)
    page.evaluate("() => { document.activeElement.style.maxHeight = ''; }")

    tab_to(page, f'button "Öppna källan [{n}]"')
    page.keyboard.press("Enter")
    view = page.locator("#kallvisning")
    expect(view.locator(".nv-cited mark").first).to_contain_text("förlänga avtalet")
    expect(view).to_contain_text("socialnamnd.txt")
    tab_to(page, 'region "Källans rader"', pace=700)  # past both dropdowns of the sources
    expect(view).to_contain_text("socialnamnd.txt")
    scrolls_by_keyboard(page, 'region "Källans rader"')
    shot(page, "11-tangentbord-kalla")
