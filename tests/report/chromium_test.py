#!/usr/bin/python3
"""The person's report in a real browser: Debian's headless Chromium (label `browser`).

Renders the fixture's page (report_fixture, tests/report/fixture.cc) and checks what a person
would see:
  * --dump-dom: the rendered text holds the expected facts; the DOM holds only the elements and
    attributes socle writes, no <script>, no event handler, even when every record string is
    hostile (a script that ran would have renamed the document);
  * --screenshot at a phone width (390x844) and a desktop width (1280x900): valid PNG files of
    that size that are not blank; their paths are printed (and listed in the test's
    ATTACHED_FILES) so they travel with the test's output;
  * --print-to-pdf, then pdftotext: the printed PDF holds the same facts.

Exits 77 (ctest's SKIP_RETURN_CODE) when chromium is not installed, and only then. Needs the
Debian packages chromium, poppler-utils (pdftotext) and fonts-dejavu-core.
"""

import argparse
import html.parser
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

SKIP = 77

# Facts each rendering must hold (whitespace-normalised). Each sits inside one element, so the
# DOM's text and the PDF's text both read it in one piece.
FACTS = [
    "Vos données : Camille Andrée Lambert",
    "Établi le 3 décembre 2026 à 14 h 05.",
    "Les heures sont données à l’heure de Paris.",
    "1er mars 1984",
    "12 rue des Lilas",
    "Accompagnement social des bénéficiaires du RSA",
    "une mission d’intérêt public (article 6.1.e du RGPD)",
    "gardées 2 ans et 6 mois après la clôture de votre dossier",
    "Appréciation professionnelle de Sophie Durand, le 14 juillet 2026 à 12 h 00",
    "Situation stabilisée depuis le relogement.",
    "retenue : information concernant un tiers",
    "Marc Bernard (CAF de la Gironde)",
    "Vous pouvez retirer un consentement à tout moment",
    "Jeanne Moreau",
    "curatelle, depuis le 15 janvier 2025",
    "Refusé",
    "ce professionnel ne suit pas votre dossier",
    "Bris de glace",
    "Personne retrouvée inconsciente",
    "Claire Martin",
    "dpo@ccas-villeneuve.example",
    "Commission nationale de l’informatique et des libertés (CNIL)",
    "3 place de Fontenoy",
]
# Never shown: a working note the fixture sends anyway.
ABSENT = ["NOTE-DE-TRAVAIL", "Brouillon personnel"]

# The elements and attributes socle's builder writes (src/export/person_report.cc).
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "style", "body", "header", "main", "nav", "section",
    "article", "h1", "h2", "h3", "p", "div", "span", "strong", "code", "br", "ul", "ol", "li",
    "dl", "dt", "dd", "a", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {
    "lang", "charset", "http-equiv", "content", "name", "class", "id", "href", "aria-label",
    "data-label", "colspan",
}
HOSTILE = ("<script>document.title='pwned'</script><img src=x onerror=alert(1)></style>\"'"
           "&amp;")


class Dom(html.parser.HTMLParser):
    """The tags, attributes, title and visible text of a serialised DOM."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags = []
        self.attributes = set()
        self.hrefs = []
        self.title = ""
        self.text = []
        self._skip = 0
        self._in_title = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        for name, value in attrs:
            self.attributes.add(name)
            if name == "href":
                self.hrefs.append(value)
        if tag in ("style", "script"):
            self._skip += 1
        if tag == "title":
            self._in_title = True

    def handle_endtag(self, tag):
        if tag in ("style", "script"):
            self._skip -= 1
        if tag == "title":
            self._in_title = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data
        elif not self._skip:
            self.text.append(data)


def normalise(text):
    return " ".join(text.split())


def chromium_binary():
    for name in ("chromium", "chromium-browser"):
        path = shutil.which(name)
        if path:
            return path
    return None


def run(cmd, **kwargs):
    result = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120,
                            **kwargs)
    if result.returncode != 0:
        sys.stderr.write(result.stderr.decode("utf-8", "replace")[-4000:])
        raise SystemExit(f"FAIL: {' '.join(cmd[:2])}... exited {result.returncode}")
    return result.stdout


class Browser:
    def __init__(self, binary, profile):
        self.base = [binary, "--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--no-first-run", "--disable-extensions",
                     "--hide-scrollbars", "--user-data-dir=" + profile,
                     # The page loads nothing; make sure nothing could be fetched anyway.
                     "--host-resolver-rules=MAP * ~NOTFOUND"]

    def dump_dom(self, url):
        return run(self.base + ["--dump-dom", url]).decode("utf-8")

    def screenshot(self, url, path, width, height):
        run(self.base + ["--screenshot=" + path, f"--window-size={width},{height}", url])

    def pdf(self, url, path):
        run(self.base + ["--no-pdf-header-footer", "--print-to-pdf=" + path, url])


def png_pixels(path):
    """(width, height, rows of RGB tuples) of an 8-bit PNG, non-interlaced (Chromium's)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise SystemExit(f"FAIL: {path} is not a PNG file")
    pos = 8
    idat = b""
    width = height = None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        crc = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])[0]
        if zlib.crc32(kind + chunk) & 0xffffffff != crc:
            raise SystemExit(f"FAIL: {path}: bad CRC in chunk {kind!r}")
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            if depth != 8 or interlace != 0 or colour not in (0, 2, 4, 6):
                raise SystemExit(f"FAIL: {path}: unexpected PNG format {depth}/{colour}")
            channels = {0: 1, 2: 3, 4: 2, 6: 4}[colour]
        elif kind == b"IDAT":
            idat += chunk
        elif kind == b"IEND":
            break
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind = raw[start]
        line = bytearray(raw[start + 1:start + 1 + stride])
        for x in range(stride):
            a = line[x - channels] if x >= channels else 0
            b = previous[x]
            c = previous[x - channels] if x >= channels else 0
            if kind == 1:
                line[x] = (line[x] + a) & 0xff
            elif kind == 2:
                line[x] = (line[x] + b) & 0xff
            elif kind == 3:
                line[x] = (line[x] + (a + b) // 2) & 0xff
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[x] = (line[x] + predictor) & 0xff
        rows.append(bytes(line))
        previous = line
    pixels = []
    for line in rows:
        if channels >= 3:
            pixels.append([tuple(line[i:i + 3]) for i in range(0, stride, channels)])
        else:
            pixels.append([(line[i],) * 3 for i in range(0, stride, channels)])
    return width, height, pixels


def check_png(path, width, height):
    w, h, pixels = png_pixels(path)
    if (w, h) != (width, height):
        raise SystemExit(f"FAIL: {path} is {w}x{h}, expected {width}x{height}")
    counts = {}
    for row in pixels:
        for p in row:
            counts[p] = counts.get(p, 0) + 1
    background, most = max(counts.items(), key=lambda kv: kv[1])
    inked = w * h - most
    # A page of text inks a few percent of its pixels at the very least; a blank one none.
    if len(counts) < 8 or inked < w * h // 100:
        raise SystemExit(f"FAIL: {path} looks blank ({len(counts)} colours, {inked} inked "
                         f"pixels of {w * h})")
    dark = sum(n for p, n in counts.items() if sum(p) < 200)
    if dark < w * h // 500:
        raise SystemExit(f"FAIL: {path} has almost no dark (text) pixels")
    return len(counts), inked


def check_facts(where, text, failures):
    text = normalise(text)
    for fact in FACTS:
        if normalise(fact) not in text:
            failures.append(f"{where}: missing {fact!r}")
    for absent in ABSENT:
        if absent in text:
            failures.append(f"{where}: shows {absent!r}")


def check_dom(where, dom, failures):
    for tag in sorted(set(dom.tags) - ALLOWED_TAGS):
        failures.append(f"{where}: unexpected element <{tag}>")
    for attribute in sorted(dom.attributes - ALLOWED_ATTRIBUTES):
        failures.append(f"{where}: unexpected attribute {attribute}")
    for href in dom.hrefs:
        if not href.startswith("#"):
            failures.append(f"{where}: link out of the page {href!r}")
    if "script" in dom.tags:
        failures.append(f"{where}: a <script> element exists")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--fixture", required=True, help="the report_fixture program")
    parser.add_argument("--out", required=True, help="where the pages, PNGs and PDF go")
    args = parser.parse_args()

    binary = chromium_binary()
    if binary is None:
        print("SKIP: chromium is not installed (apt-get install -y chromium poppler-utils "
              "fonts-dejavu-core)")
        return SKIP
    if shutil.which("pdftotext") is None:
        print("FAIL: pdftotext is missing (apt-get install -y poppler-utils)")
        return 1

    os.makedirs(args.out, exist_ok=True)
    page = os.path.join(args.out, "report.html")
    hostile_page = os.path.join(args.out, "report-hostile.html")
    run([args.fixture, page])
    run([args.fixture, hostile_page, "--hostile"])
    url = "file://" + page
    hostile_url = "file://" + hostile_page
    failures = []

    with tempfile.TemporaryDirectory(prefix="socle-chromium-") as profile:
        browser = Browser(binary, profile)

        # The rendered text.
        dom = Dom()
        dom.feed(browser.dump_dom(url))
        check_dom("dom", dom, failures)
        check_facts("dom", "".join(dom.text), failures)
        if not dom.title.startswith("Vos données — CCAS de Villeneuve"):
            failures.append(f"dom: title {dom.title!r}")

        # Hostile strings everywhere: still only our elements, and the text shows them.
        hostile = Dom()
        hostile.feed(browser.dump_dom(hostile_url))
        check_dom("hostile dom", hostile, failures)
        if "pwned" == hostile.title.strip() or not hostile.title.startswith("Vos données"):
            failures.append(f"hostile dom: the title became {hostile.title!r}")
        hostile_text = normalise("".join(hostile.text))
        for field in ("Lambert", "Sophie Durand", "Personne retrouvée inconsciente",
                      "Situation stabilisée depuis le relogement."):
            if normalise(field + HOSTILE) not in hostile_text:
                failures.append(f"hostile dom: {field!r} is not followed by the hostile text")

        # Screenshots at a phone's and a desktop's width.
        shots = []
        for name, width, height in (("phone", 390, 844), ("desktop", 1280, 900),
                                    ("hostile-phone", 390, 844)):
            path = os.path.join(args.out, f"report-{name}.png")
            if os.path.exists(path):
                os.remove(path)
            browser.screenshot(hostile_url if name.startswith("hostile") else url, path, width,
                               height)
            colours, inked = check_png(path, width, height)
            shots.append(path)
            print(f"screenshot ({name}, {width}x{height}, {colours} colours, {inked} inked "
                  f"pixels): {path}")

        # The printed PDF.
        pdf = os.path.join(args.out, "report.pdf")
        if os.path.exists(pdf):
            os.remove(pdf)
        browser.pdf(url, pdf)
        with open(pdf, "rb") as f:
            if f.read(5) != b"%PDF-":
                failures.append("pdf: not a PDF file")
        pdf_text = run(["pdftotext", "-raw", "-enc", "UTF-8", pdf, "-"]).decode("utf-8")
        check_facts("pdf", pdf_text, failures)
        pages = pdf_text.count("\f")
        print(f"pdf ({pages} pages): {pdf}")

    for failure in failures:
        print("FAIL:", failure)
    if failures:
        return 1
    print(f"OK: {len(FACTS)} facts in the DOM and in the PDF; only socle's markup with hostile "
          "strings; screenshots:", " ".join(shots))
    return 0


if __name__ == "__main__":
    sys.exit(main())
