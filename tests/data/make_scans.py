"""Generate the scanned-PDF fixtures for the ingest and OCR tests.

Run ``python tests/data/make_scans.py OUTDIR``, or call ``build(out)`` from a fixture. The three
texts are invented council documents (Älvstrands kommun does not exist); each says things the
others do not, so a test can ask a question only the scanned page answers.

Writes, in ``out``:

- ``clean300.pdf``, ``clean200.pdf``: image-only scans of TEXT_A, clean, at 300 and 200 dpi
- ``noisy300.pdf``, ``noisy200.pdf``: the same, rotated, dusty and thresholded like a fax
- ``mixed.pdf``: TEXT_A and TEXT_B with a text layer, then TEXT_C as a clean 300 dpi scan
- ``text.pdf``: the three texts as a digital PDF
- ``garbage_layer.pdf``: a scan of TEXT_B whose invisible text layer is letter soup
- ``blank.pdf``: one white page
- ``truth/<stem>.txt``: what is printed on each PDF's pages, pages separated by a form feed
"""

from __future__ import annotations

import sys
from pathlib import Path

from PIL import Image

from bench.scans import (
    ScanStyle,
    blank_pdf,
    hidden_text_pdf,
    image_pdf,
    mixed_pdf,
    printed_pages,
    render_pages,
    text_pdf,
)

TEXT_A = """\
Protokoll
Kultur- och fritidsnämnden, Älvstrands kommun
Sammanträdesdatum 2021-03-15

§ 12 Ändrade avgifter för uthyrning av idrottshallar
Dnr KFN 2021:34

Beslut
Kultur- och fritidsnämnden beslutar att höja timavgiften för vuxna i Sjöängens sporthall till \
450 kronor från och med den 1 maj 2021. Avgiften för föreningar med barn- och ungdomsverksamhet \
lämnas oförändrad.

Sammanfattning
Förvaltningen har sett över avgifterna för nämndens idrottshallar. Nuvarande avgifter \
beslutades den 12 februari 2018 och har inte räknats upp sedan dess. Kostnaderna för städning, \
uppvärmning och tillsyn har under perioden ökat med i genomsnitt 2,5 procent per år. \
Under 2020 var hyresintäkterna 7 800 kronor per vecka, vilket täcker ungefär en \
fjärdedel av driftkostnaden.

En jämförelse med grannkommunerna visar att Älvstrands avgifter är bland de lägsta i länet. \
Förvaltningen föreslår därför en höjning för vuxna och företag, medan ungdomsföreningar även \
fortsättningsvis hyr hallarna för 95 kronor per timme. Entréavgiften till läktaren påverkas inte.

Ärendet har beretts i arbetsutskottet den 1 mars 2021, § 8. Beslutet ska tillkännages på \
kommunens anslagstavla senast den 22 mars 2021.

Beslutsunderlag
Tjänsteskrivelse från kultur- och fritidsförvaltningen, 2021-02-19.
"""

TEXT_B = """\
Avtal om drift av Norrbackens fritidsgård
Mellan Älvstrands kommun, genom kultur- och fritidsnämnden, och Föreningen Ungdomens hus
Dnr KFN 2021:41

§ 4 Föreningens åtaganden
Föreningen ska hålla fritidsgården öppen för ungdomar mellan 13 och 18 år minst fyra kvällar i \
veckan, måndag till torsdag klockan 18.00 till 21.30, samt varannan lördag. Under skolloven ska \
föreningen erbjuda dagaktiviteter enligt en plan som lämnas till förvaltningen senast två veckor \
före lovets början.

§ 5 Ersättning
Kommunen betalar föreningen en ersättning om 38 400 kronor per månad. Ersättningen räknas upp \
den 1 januari varje år med 1,8 procent. Betalning sker i förskott senast den 25:e i månaden före \
den månad som ersättningen avser.

§ 6 Lokaler och ansvar
Kommunen upplåter lokalerna på Björkvägen 7 utan kostnad. Föreningen ansvarar för städning, larm \
och att brandskyddet fungerar. Skador som uppstår genom vårdslöshet ersätts av föreningen.

§ 7 Avtalstid
Avtalet gäller från och med den 1 april 2021 till och med den 31 mars 2023. Därefter förlängs \
avtalet med ett år i taget, om det inte sägs upp skriftligen senast sex månader före \
avtalstidens utgång.

§ 8 Hävning
Bryter föreningen väsentligt mot avtalet får kommunen häva det med omedelbar verkan. Föreningen \
ska då återbetala den ersättning som avser tiden efter hävningen.
"""

TEXT_C = """\
Beslut om verksamhetsbidrag 2021
Kultur- och fritidsnämnden, Älvstrands kommun
Datum 2021-04-20
Dnr KFN 2021:57

Mottagare
Föreningen Gökärtens folkdanslag, organisationsnummer 802456-1187

Beslut
Kultur- och fritidsnämnden beviljar Föreningen Gökärtens folkdanslag ett verksamhetsbidrag om \
125 000 kr för år 2021. Bidraget betalas ut i två delar, med 75 000 kr i maj och \
50 000 kr i oktober 2021.

Motivering
Föreningen är en idéburen organisation som bedriver folkdans för barn, unga och äldre i Sörbyns \
bygdegård. Verksamheten når omkring 140 deltagare varje vecka och håller bygdens dansarv \
levande. Nämnden bedömer att ansökan uppfyller villkoren i riktlinjerna för föreningsstöd, \
antagna den 9 december 2019, § 87.

Villkor
Bidraget får endast användas till den verksamhet som beskrivs i ansökan. Föreningen ska \
redovisa bidraget senast den 30 september 2021. Redovisningen ska innehålla en ekonomisk \
rapport, antalet deltagare fördelat på ålder och kön samt en kort beskrivning av genomförda \
aktiviteter. Kommer redovisningen inte in i tid får nämnden kräva tillbaka hela eller delar av \
bidraget.

Hur man överklagar
Beslutet kan överklagas hos förvaltningsrätten i Härnösand. Överklagandet ska ha kommit in \
inom tre veckor från den dag föreningen fick del av beslutet.
"""

_PLAIN = "abcdefghijklmnopqrstuvwxyz"
_SOUP = str.maketrans(
    _PLAIN + _PLAIN.upper() + "åäöÅÄÖ",
    _PLAIN[3:] + _PLAIN[:3] + (_PLAIN[3:] + _PLAIN[:3]).upper() + "ÿþðÞÐ¤",
)


_STEMS = (
    "clean300",
    "clean200",
    "noisy300",
    "noisy200",
    "mixed",
    "text",
    "garbage_layer",
    "blank",
)


def garble(text: str) -> str:
    """Letter soup with the shape of ``text``, like a text layer from a broken OCR run."""
    return text.translate(_SOUP)


def _scan(text: str, style: ScanStyle) -> tuple[list[Image.Image], str]:
    """Scan ``text`` (it must fit on one page); the image and the printed text."""
    pages = render_pages(text, style)
    if len(pages) != 1:
        raise ValueError(f"fixture text takes {len(pages)} pages, not 1")
    return [pages[0].image], pages[0].text


def build(out: Path) -> dict[str, Path]:
    """Write every fixture PDF and its ground truth to ``out``; the PDFs by stem."""
    out.mkdir(parents=True, exist_ok=True)
    (out / "truth").mkdir(exist_ok=True)
    paths = {stem: out / f"{stem}.pdf" for stem in _STEMS}
    truths: dict[str, list[str]] = {}
    for noisy in (False, True):
        for dpi in (300, 200):
            stem = f"{'noisy' if noisy else 'clean'}{dpi}"
            images, printed = _scan(TEXT_A, ScanStyle(dpi=dpi, noisy=noisy, seed=dpi))
            image_pdf(images, paths[stem], dpi)
            truths[stem] = [printed]
    a, b = printed_pages(TEXT_A)[0], printed_pages(TEXT_B)[0]
    images, c = _scan(TEXT_C, ScanStyle())
    mixed_pdf([a, b, images[0]], paths["mixed"])
    truths["mixed"] = [a, b, c]
    text_pdf([a, b, c], paths["text"])
    truths["text"] = [a, b, c]
    images, b_scanned = _scan(TEXT_B, ScanStyle())
    hidden_text_pdf(images[0], garble(b_scanned), paths["garbage_layer"])
    truths["garbage_layer"] = [b_scanned]
    blank_pdf(paths["blank"])
    truths["blank"] = [""]
    for stem, pages in truths.items():
        (out / "truth" / f"{stem}.txt").write_text("\f".join(pages) + "\n", encoding="utf-8")
    return paths


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python tests/data/make_scans.py OUTDIR", file=sys.stderr)
        return 2
    for stem, path in build(Path(argv[0])).items():
        print(f"{stem}: {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
