"""Fuzzing the staff import page with generated malformed CSV and XLSX files.

Every file goes through the real view (`programs:import`) as a staff user. Whatever the file,
the page answers without a server error, and the catalogue is never written: an upload only
previews. A rejected file leaves the whole database as it was; an accepted preview adds exactly
one dry-run ImportBatch (and may release the user's older pending previews). Confirmations with
tampered hashes or batch ids are refused the same way. Generation is seeded: the same files
every run.
"""

import io
import random
import string
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from programs.importer import MAX_BYTES
from programs.models import ImportBatch, Program
from programs.normalise import CANONICAL_COLUMNS
from tests.factories import make_catalogue_csv, make_catalogue_editor, make_program

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FILES_PER_KIND = 26
SEED = 20250607
STAMP = (2025, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Upload:
    kind: str
    number: int
    file_name: str
    content: bytes
    full_catalogue: bool = False
    skip_invalid: bool = False

    def __str__(self) -> str:
        return f"{self.kind} #{self.number} ({self.file_name}, {len(self.content)} bytes)"


# Valid material the generators break --------------------------------------------------------


def valid_rows(rng: random.Random, count: int = 6) -> list[list[str]]:
    rows = [list(CANONICAL_COLUMNS)]
    for number in range(count):
        keyed = rng.random() < 0.8
        rows.append(
            [
                f"18{number:08d}" if keyed else "",
                "1104180C0",
                f"Fuzz Neurology {number}",
                f"Fuzz Medical Center {number}",
                "Springfield",
                rng.choice(["TX", "Illinois", "ny", "California"]),
                rng.choice(["university", "Community-based", ""]),
                str(rng.randint(1, 4)),
                rng.choice(["categorical", "child", ""]),
                str(rng.randint(1, 12)),
                rng.choice(["yes", "no", "", "N/A"]),
                rng.choice(["Y", "N", "unknown"]),
                rng.choice(["35%", "12.5", ""]),
                rng.choice(["230", "", "none"]),
                rng.choice(["5", "none", ""]),
                rng.choice(["yes", "no", ""]),
                rng.choice(["0", "3", ""]),
                "https://neurology.example.org/residency",
                "",
                "fuzz",
                rng.choice(["2025-01-31", ""]),
                rng.choice(["required", "soft", ""]),
                rng.choice(["preferred", "hard", ""]),
                rng.choice(["", "Preferred"]),
                rng.choice(["yes", "no", ""]),
            ]
        )
    return rows


def xlsx_bytes(rows: list[list[object]], *, sheets: int = 1, merge: str | None = None) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    for number in range(1, sheets):
        book.create_sheet(f"Sheet {number + 1}")
    return saved(book)


def saved(book: openpyxl.Workbook) -> bytes:
    """The workbook's bytes, without the save time openpyxl and zipfile stamp into them."""
    out = io.BytesIO()
    book.save(out)
    return rezip(out.getvalue(), {"docProps/core.xml": CORE_PROPERTIES})


CORE_PROPERTIES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/'
    b'core-properties" xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:creator>fuzz'
    b"</dc:creator></cp:coreProperties>"
)


def rezip(content: bytes, replace: dict[str, bytes | None]) -> bytes:
    """The workbook with some parts replaced (bytes) or left out (None)."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target:
        for info in source.infolist():
            data = replace.get(info.filename, source.read(info.filename))
            if data is not None:
                target.writestr(zipfile.ZipInfo(info.filename, STAMP), data, zipfile.ZIP_DEFLATED)
        for name, data in replace.items():
            if data is not None and name not in source.namelist():
                target.writestr(zipfile.ZipInfo(name, STAMP), data, zipfile.ZIP_DEFLATED)
    return out.getvalue()


def garble(rng: random.Random, length: int) -> str:
    alphabet = string.printable + "éüñ中文ß€\u200b\u202e\ufeff\x00\x1b\u2028"
    return "".join(rng.choice(alphabet) for _ in range(length))


BAD_VALUES = [
    "-1", "0", "999999999999999999999", "1e309", "nan", "inf", "-inf", "12abc", "1,2,3",
    "2025-13-45", "31/02/2025", "ZZ", "Narnia", "maybe", "yesno", "=1+1", "+cmd|' /C calc'!A0",
    "@SUM(A1:A9)", "-2+3", "\x00", "\x07bell", "<script>alert(1)</script>", "' OR 1=1 --",
    "{{ 7*7 }}", "%s%s%s", "\u202eevil", "１２３", "٣٤٥", "½", "10%%", "%", "5 years", "∞",
    "NULL", "None", "[]", "['J-1", "javascript:alert(1)", "http://", "x" * 300, "9" * 40,
]  # fmt: skip


# Generators: one per kind of damage --------------------------------------------------------


def csv_truncated(rng: random.Random) -> tuple[str, bytes]:
    content = make_catalogue_csv(valid_rows(rng))
    return "truncated.csv", content[: rng.randint(1, len(content) - 1)]


def csv_random_bytes(rng: random.Random) -> tuple[str, bytes]:
    size = rng.choice([1, 2, 7, 64, 1000, 20_000])
    return rng.choice(["random.csv", "random.tsv", "random.txt"]), rng.randbytes(size)


def csv_wrong_encoding(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    rows[1][2] = rng.choice(["Clínica Neurología", "Universität Neurologie", "神経科", "Zoë's"])
    text = "\r\n".join(",".join(row) for row in rows)
    encoding = rng.choice(["utf-16-le", "utf-16-be", "utf-32", "latin-1", "cp437", "utf-7"])
    content = text.encode(encoding, errors="replace")
    if encoding.startswith("utf-16") and rng.random() < 0.5:
        content = b"\xff\xfe" + content[: len(content) - 1]
    return "encoded.csv", content


def csv_nul_bytes(rng: random.Random) -> tuple[str, bytes]:
    content = bytearray(make_catalogue_csv(valid_rows(rng)))
    for _ in range(rng.randint(1, 20)):
        content.insert(rng.randint(0, len(content)), 0)
    return "nul.csv", bytes(content)


def csv_huge_field(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng, 2)
    size = rng.choice([5_000, 100_000, 1_000_000, 4_000_000])
    rows[rng.randint(0, 2)][rng.randrange(len(CANONICAL_COLUMNS))] = rng.choice('xé,"\n') * size
    return "huge.csv", make_catalogue_csv(rows)[: MAX_BYTES - 10]


def csv_bad_headers(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    header = rows[0]
    damage = rng.choice(["drop", "duplicate", "alias", "garble", "blank", "only", "shift"])
    if damage == "drop":
        for column in rng.sample(range(len(header)), rng.randint(1, len(header))):
            header[column] = ""
    elif damage == "duplicate":
        header[rng.randrange(len(header))] = rng.choice(["name", "state", "program_id"])
    elif damage == "alias":
        header.append(rng.choice(["Program Name", "ST", "J1 Visa", "IMG %", "visa"]))
        for row in rows[1:]:
            row.append("x")
    elif damage == "garble":
        for column in rng.sample(range(len(header)), rng.randint(1, 5)):
            header[column] = garble(rng, rng.randint(1, 40))
    elif damage == "blank":
        rows[0] = [""] * len(header)
    elif damage == "only":
        rows = rows[:1]
    else:
        rows = rows[1:]
    return "headers.csv", make_catalogue_csv(rows)


def spoil(rows: list[list], rng: random.Random, values: list, share: float) -> None:
    """Replace about `share` of the data cells (not the header) by one of `values`."""
    for row in rows[1:]:
        for column in range(len(row)):
            if rng.random() < share:
                row[column] = rng.choice(values)


def csv_bad_values(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    spoil(rows, rng, BAD_VALUES, 0.4)
    return "values.csv", make_catalogue_csv(rows)


def csv_ragged_rows(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    for row in rows[1:]:
        cut = rng.randint(0, len(row) + 5)
        row[:] = row[:cut] + ["extra"] * max(0, cut - len(row))
    return "ragged.csv", make_catalogue_csv(rows, delimiter=rng.choice([",", ";", "\t"]))


def csv_broken_quoting(rng: random.Random) -> tuple[str, bytes]:
    lines = make_catalogue_csv(valid_rows(rng)).decode().split("\r\n")
    for _ in range(rng.randint(1, 4)):
        number = rng.randrange(len(lines))
        position = rng.randint(0, len(lines[number]))
        lines[number] = lines[number][:position] + '"' + lines[number][position:]
    ending = rng.choice(["\r\n", "\n", "\r", "\n\r", "\u2028"])
    return "quotes.csv", ending.join(lines).encode()


def csv_delimiter_soup(rng: random.Random) -> tuple[str, bytes]:
    pieces = [",", ";", "\t", "|", '"', "\n", "\r\n", " ", "", "name", "state", "TX"]
    text = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 400)))
    return "soup.csv", text.encode()


def csv_formulas(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    formulas = ["=1+1", '=HYPERLINK("http://evil","x")', "+SUM(1)", "-1+1", "@A1", "=cmd|' /C'!A"]
    for row in rows[1:]:
        for column in rng.sample(range(len(row)), 6):
            row[column] = rng.choice(formulas)
    return "formulas.csv", make_catalogue_csv(rows)


def csv_limits(rng: random.Random) -> tuple[str, bytes]:
    limit = rng.choice(["rows", "columns", "blank lines", "one column"])
    if limit == "rows":
        rows = [["name", "state"]] + [[f"P{n}", "TX"] for n in range(rng.randint(20_001, 20_050))]
    elif limit == "columns":
        rows = [[f"col{n}" for n in range(rng.randint(301, 400))] + ["name", "state"]]
    elif limit == "blank lines":
        return "blank.csv", b"\r\n" * rng.randint(1, 50_000) + b" ,;\t\r\n" * rng.randint(0, 9)
    else:
        rows = [["name"]] + [[f"P{n}"] for n in range(rng.randint(1, 50))]
    return "limits.csv", make_catalogue_csv(rows)


def wrong_extension(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    content = rng.choice([make_catalogue_csv(rows), xlsx_bytes(rows), b"%PDF-1.4\n", b"MZ\x90"])
    names = [
        "catalogue.xls", "catalogue.exe", "catalogue", ".csv", "catalogue.csv.exe",
        "catalogue.XLSX", "catalogue.CSV", "../../../etc/passwd.csv", "C:\\temp\\x.csv",
        "a" * 300 + ".csv", "каталог.csv", "cat alogue .xlsx", "catalogue.xlsm", "catalogue.ods",
        "catalogue.json", "catalogue.csv ", "catalogue.tar.gz", "-rf.csv",
    ]  # fmt: skip
    return rng.choice(names), content


def over_size_limit(rng: random.Random) -> tuple[str, bytes]:
    size = MAX_BYTES + rng.choice([1, 1024, 2 * 1024 * 1024])
    head = make_catalogue_csv(valid_rows(rng))
    return rng.choice(["big.csv", "big.xlsx"]), head + b"x" * (size - len(head))


def xlsx_broken_zip(rng: random.Random) -> tuple[str, bytes]:
    content = bytearray(xlsx_bytes(valid_rows(rng)))
    damage = rng.choice(["truncate", "flip", "magic only", "drop tail"])
    if damage == "truncate":
        content = content[: rng.randint(4, len(content) - 1)]
    elif damage == "flip":
        for _ in range(rng.randint(1, 30)):
            content[rng.randrange(4, len(content))] = rng.randrange(256)
    elif damage == "magic only":
        content = bytearray(b"PK\x03\x04" + rng.randbytes(rng.randint(0, 500)))
    else:
        content = content[:-22]
    return "broken.xlsx", bytes(content)


def xlsx_broken_parts(rng: random.Random) -> tuple[str, bytes]:
    content = xlsx_bytes(valid_rows(rng))
    part = rng.choice(
        [
            "xl/workbook.xml",
            "xl/worksheets/sheet1.xml",
            "[Content_Types].xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/sharedStrings.xml",
        ]
    )
    replacement = rng.choice(
        [
            None,
            b"",
            b"<not xml",
            rng.randbytes(200),
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">'
            b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><x>&b;</x>',
            b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
        ]
    )
    return "parts.xlsx", rezip(content, {part: replacement})


def xlsx_wrong_sheet(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    book = openpyxl.Workbook()
    first = book.active
    first.title = f"{rng.choice(['Notes', 'Лист', 'Read me'])} {rng.randint(1, 10**6)}"
    layout = rng.choice(["second sheet", "far away", "empty", "blank cells", "chart only"])
    if layout == "second sheet":
        data = book.create_sheet("Programs")
        for row in rows:
            data.append(row)
    elif layout == "far away":
        for number, row in enumerate(rows):
            for column, value in enumerate(row):
                first.cell(row=500 + number, column=200 + column, value=value)
    elif layout == "blank cells":
        for number in range(1, rng.randint(2, 200)):
            first.cell(row=number, column=rng.randint(1, 30), value=rng.choice(["", " ", None]))
    elif layout == "chart only":
        book.create_chartsheet("Chart")
        book.remove(first)
    return "sheets.xlsx", saved(book)


def xlsx_merged_cells(rng: random.Random) -> tuple[str, bytes]:
    rows = valid_rows(rng)
    column = rng.randint(1, len(CANONICAL_COLUMNS) - 1)
    letter = openpyxl.utils.get_column_letter(column)
    right = openpyxl.utils.get_column_letter(column + 1)
    merge = rng.choice([f"A1:{right}1", f"{letter}1:{right}3", f"A2:{letter}{len(rows)}", "A1:A7"])
    return "merged.xlsx", xlsx_bytes(rows, merge=merge)


def xlsx_odd_headers(rng: random.Random) -> tuple[str, bytes]:
    rows: list[list[object]] = [list(row) for row in valid_rows(rng)]
    import datetime as dt

    odd: list[object] = [1, 2.5, True, False, None, dt.datetime(2025, 1, 1), "=A1", "#REF!", -0.0]
    for column in rng.sample(range(len(rows[0])), rng.randint(1, len(rows[0]))):
        rows[0][column] = rng.choice(odd)
    return "headers.xlsx", xlsx_bytes(rows)


def xlsx_odd_values(rng: random.Random) -> tuple[str, bytes]:
    import datetime as dt

    rows: list[list[object]] = [list(row) for row in valid_rows(rng)]
    odd: list[object] = [
        -1, 0, 10**20, 1e300, -1e-300, 0.5, True, False, dt.datetime(1900, 1, 1),
        dt.date(9999, 12, 31), dt.time(12, 30), dt.timedelta(days=3), "=SUM(1,2)", "#DIV/0!",
        "", " ",
    ]  # fmt: skip
    # openpyxl refuses control characters in cells, so no workbook can hold them.
    odd += [value for value in BAD_VALUES if value.isprintable()]
    spoil(rows, rng, odd, 0.5)
    return "values.xlsx", xlsx_bytes(rows)


def xlsx_sizes(rng: random.Random) -> tuple[str, bytes]:
    shape = rng.choice(["wide", "long", "empty workbook", "header only"])
    if shape == "wide":
        rows: list[list[object]] = [["name", "state"] + [f"c{n}" for n in range(400)]]
    elif shape == "long":
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet()
        sheet.append(["name", "state"])
        for number in range(20_001 + rng.randint(0, 20)):
            sheet.append([f"P{number}", "TX"])
        return "long.xlsx", saved(book)
    elif shape == "empty workbook":
        rows = []
    else:
        rows = [["name", "state"]]
    return "sizes.xlsx", xlsx_bytes(rows)


def zip_bomb(megabytes: int, filler: str) -> bytes:
    """A small workbook whose sheet unpacks to `megabytes` of XML."""
    content = xlsx_bytes([["name", "state"], ["Bomb Neurology", "TX"]])
    sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml")
    if filler == "cell":
        body = b'<row r="3"><c r="A3" t="inlineStr"><is><t>' + b"A" * (megabytes << 20)
        body += b"</t></is></c></row>"
    elif filler == "rows":
        row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
        body = row * ((megabytes << 20) // len(row))
    else:
        body = b" " * (megabytes << 20)
    bomb = sheet.replace(b"</sheetData>", body + b"</sheetData>")
    return rezip(content, {"xl/worksheets/sheet1.xml": bomb})


def xlsx_zip_bomb(rng: random.Random) -> tuple[str, bytes]:
    megabytes = rng.choice([20, 45, 60, 120])
    return "bomb.xlsx", zip_bomb(megabytes, rng.choice(["cell", "rows", "whitespace"]))


def not_a_workbook_zip(rng: random.Random) -> tuple[str, bytes]:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        parts = ["word/document.xml", "mimetype", "content.xml", "a.csv", "xl/"]
        for part in rng.sample(parts, rng.randint(0, len(parts))):
            archive.writestr(zipfile.ZipInfo(part, STAMP), rng.randbytes(rng.randint(0, 50)))
    return rng.choice(["archive.xlsx", "archive.csv"]), out.getvalue()


GENERATORS: dict[str, Callable[[random.Random], tuple[str, bytes]]] = {
    generator.__name__: generator
    for generator in [
        csv_truncated, csv_random_bytes, csv_wrong_encoding, csv_nul_bytes, csv_huge_field,
        csv_bad_headers, csv_bad_values, csv_ragged_rows, csv_broken_quoting, csv_delimiter_soup,
        csv_formulas, csv_limits, wrong_extension, over_size_limit, xlsx_broken_zip,
        xlsx_broken_parts, xlsx_wrong_sheet, xlsx_merged_cells, xlsx_odd_headers,
        xlsx_odd_values, xlsx_sizes, xlsx_zip_bomb, not_a_workbook_zip,
    ]
}  # fmt: skip
# Slow or heavy kinds: fewer files each, still several shapes.
FEWER = {"over_size_limit": 4, "xlsx_zip_bomb": 6, "csv_limits": 8, "xlsx_sizes": 8}


def uploads(kind: str) -> Iterator[Upload]:
    rng = random.Random(f"{SEED}:{kind}")
    for number in range(FEWER.get(kind, FILES_PER_KIND)):
        file_name, content = GENERATORS[kind](rng)
        yield Upload(
            kind,
            number,
            file_name,
            content,
            full_catalogue=rng.random() < 0.3,
            skip_invalid=rng.random() < 0.3,
        )


# Checking the view ---------------------------------------------------------------------------


def snapshot() -> tuple[list[dict], list[dict]]:
    programs = list(Program.objects.order_by("pk").values())
    batches = [
        {**batch, "content": None if batch["content"] is None else bytes(batch["content"])}
        for batch in ImportBatch.objects.order_by("pk").values()
    ]
    return programs, batches


@pytest.fixture
def catalogue(db) -> list[Program]:
    """Programs the generated rows could update or (full catalogue) archive."""
    return [make_program(program_id=f"18{number:08d}") for number in range(3)] + [
        make_program(program_id=None, name="Fuzz Neurology 4", state="TX"),
        make_program(program_id=None, name="Fuzz Neurology 4", state="TX"),
    ]


@pytest.fixture
def fuzz_client(client, staff):
    client.force_login(staff)
    client.raise_request_exception = False
    return client


def post_upload(client, upload: Upload):
    data: dict[str, object] = {
        "file": SimpleUploadedFile(upload.file_name, upload.content, "application/octet-stream")
    }
    if upload.full_catalogue:
        data["full_catalogue"] = "on"
    if upload.skip_invalid:
        data["skip_invalid"] = "on"
    return client.post(reverse("programs:import"), data)


def check_upload(client, upload: Upload, user) -> list[str]:
    """Post one file; the problems found, if any."""
    programs_before, batches_before = snapshot()
    response = post_upload(client, upload)
    programs_after, batches_after = snapshot()
    if response.status_code != 200:
        return [f"{upload}: status {response.status_code}"]
    problems = []
    if programs_after != programs_before:
        problems.append(f"{upload}: the catalogue changed on upload")
    plan = response.context.get("plan")
    if plan is None:
        message = " ".join(response.context["form"].errors.get("file", []))
        if not message:
            problems.append(f"{upload}: rejected without a message on the file field")
        if batches_after != batches_before:
            problems.append(f"{upload}: a rejected file changed the import history")
        return problems
    kept = {batch["id"]: batch for batch in batches_after}
    new = [batch for batch in batches_after if batch["id"] not in {b["id"] for b in batches_before}]
    if len(new) != 1 or not new[0]["dry_run"] or new[0]["user_id"] != user.pk:
        problems.append(f"{upload}: a preview should add exactly one dry-run batch, got {new}")
    for batch in batches_before:
        # Older previews may only lose their pending file, and then say which one replaced it.
        after = kept.get(batch["id"])
        voided = {"content": None, "replaced_by_id": None}
        if after is None or {**after, **voided} != {**batch, **voided}:
            problems.append(f"{upload}: a preview changed the older batch {batch['id']}")
        elif after["content"] not in (None, batch["content"]):
            problems.append(f"{upload}: a preview rewrote the file of batch {batch['id']}")
        elif after["replaced_by_id"] != batch["replaced_by_id"] and (
            batch["content"] is None or after["replaced_by_id"] != new[0]["id"]
        ):
            problems.append(f"{upload}: batch {batch['id']} replaced by the wrong preview")
    return problems


@pytest.mark.parametrize("kind", list(GENERATORS))
def test_no_generated_file_makes_the_import_page_fail_or_write(fuzz_client, staff, catalogue, kind):
    problems: list[str] = []
    posted = 0
    for upload in uploads(kind):
        problems += check_upload(fuzz_client, upload, staff)
        posted += 1

    assert not problems, "\n".join(problems)
    assert posted == FEWER.get(kind, FILES_PER_KIND)


def test_the_fuzz_corpus_has_at_least_500_distinct_files_and_is_the_same_every_run():
    planned = sum(FEWER.get(kind, FILES_PER_KIND) for kind in GENERATORS)
    # The heavy kinds take seconds to build: their count is checked as they are posted.
    light = [kind for kind in GENERATORS if kind not in FEWER]
    corpus = [upload for kind in light for upload in uploads(kind)]
    again = [upload for kind in light for upload in uploads(kind)]

    assert planned >= 500
    assert len({(upload.file_name, upload.content) for upload in corpus}) >= 0.95 * len(corpus)
    assert again == corpus


def test_a_zip_bomb_is_refused_before_it_is_unpacked(fuzz_client, staff):
    upload = Upload("bomb", 0, "bomb.xlsx", zip_bomb(120, "cell"))

    response = post_upload(fuzz_client, upload)

    assert len(upload.content) < 1024 * 1024
    assert "The workbook unpacks to 120 MB; the limit is 50 MB" in response.content.decode()
    assert not ImportBatch.objects.exists()


# Tampered confirmations -------------------------------------------------------------------


def tampered_confirmations(rng: random.Random, batch: ImportBatch, foreign: ImportBatch):
    """(batch id, POST data) pairs that must all be refused."""
    good = batch.sha256
    shas = [
        "0" * 64, good.upper(), good[:-1], good + "0", good[::-1], foreign.sha256, "",
        "g" * 64, " " + good[1:], good[:32] + "\x00" + good[33:], "%s" * 32, "' OR 1=1 --",
    ]  # fmt: skip
    shas += [rng.randbytes(32).hex() for _ in range(8)]
    ids = [batch.pk, foreign.pk, batch.pk + 1000, 0, 2**31, 2**63, 10**30]
    for sha in shas:
        yield batch.pk, {"sha256": sha, "skip_invalid": rng.choice(["", "on", "yes", "x" * 999])}
    for batch_id in ids[1:]:
        yield batch_id, {"sha256": rng.choice([good, foreign.sha256])}
    yield batch.pk, {}
    yield batch.pk, {"sha256": [good, "0" * 64]}


def test_tampered_confirmations_never_fail_and_never_write(fuzz_client, staff, catalogue):
    other = make_catalogue_editor("otto")
    rows = valid_rows(random.Random(SEED))
    upload = Upload("confirm", 0, "catalogue.csv", make_catalogue_csv(rows))
    fuzz_client.force_login(other)
    post_upload(fuzz_client, Upload("confirm", 1, "other.csv", make_catalogue_csv(rows[:3])))
    foreign = ImportBatch.objects.get(user=other)
    fuzz_client.force_login(staff)
    post_upload(fuzz_client, upload)
    batch = ImportBatch.objects.get(user=staff)
    before = snapshot()

    problems = []
    for batch_id, data in tampered_confirmations(random.Random(SEED), batch, foreign):
        # Written out, not reversed: ids past the URL's 18 digits must still answer 404.
        url = reverse("programs:import_confirm", args=[1]).replace("/1/", f"/{batch_id}/")
        response = fuzz_client.post(url, data)
        if response.status_code not in (200, 404) or snapshot() != before:
            problems.append(f"{batch_id} {data}: status {response.status_code}")
        elif response.status_code == 200 and not response.context.get("confirm_error"):
            problems.append(f"{batch_id} {data}: accepted")

    assert not problems, "\n".join(problems)
    # The untampered confirmation still works afterwards: the refusals were not vacuous.
    response = fuzz_client.post(
        reverse("programs:import_confirm", args=[batch.pk]),
        {"sha256": batch.sha256, "skip_invalid": "on"},
    )
    assert response.status_code == 200 and response.context.get("result") is not None
    assert Program.objects.filter(name__startswith="Fuzz Neurology").exists()
