"""Reading an uploaded .xlsx: openpyxl, python-calamine and the dashboard's own streaming reader, side by side.

For each reader and each workbook, in a fresh process: the seconds to read the sheet into rows of text,
and the peak memory above the process's memory before reading. The workbooks are the corpus of
tests/fixtures/submissions (does each reader give the same rows as openpyxl, which the dashboard used
before?), the largest valid file (20,000 rows), and hostile ones from tests/hostile_files.py. Also
whether a reader shows a formula as a formula (the upload checks refuse formulas; a reader that gives
the cached result instead would let "=HYPERLINK(...)" through as its text).

    python bench/xlsx_readers.py
"""
from __future__ import annotations

import io
import json
import subprocess
import sys
import time
from datetime import date, datetime, time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CORPUS = ROOT / "tests" / "fixtures" / "submissions"
READERS = ("openpyxl", "calamine", "streaming")


def _text(value) -> str:
    """A cell as the text a CSV would hold (what the dashboard's openpyxl reader did)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == clock_time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "text"):
        return f"={value.text}"
    return str(value)


def _rows(table) -> list[tuple[int, list[str]]]:
    out = []
    for number, row in enumerate(table, start=1):
        cells = [_text(v) for v in row]
        while cells and cells[-1] == "":
            cells.pop()
        if any(c.strip() for c in cells):
            out.append((number, cells))
    return out


def read(reader: str, content: bytes) -> list[tuple[int, list[str]]]:
    if reader == "openpyxl":
        from openpyxl import load_workbook
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
        sheet = book["figures"] if "figures" in book.sheetnames else book.worksheets[0]
        rows = _rows(sheet.iter_rows(values_only=True))
        book.close()
        return rows
    if reader == "calamine":
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_filelike(io.BytesIO(content))
        name = "figures" if "figures" in book.sheet_names else book.sheet_names[0]
        sheet = book.get_sheet_by_name(name)
        start = sheet.start[0] if sheet.start else 0  # calamine's rows begin at the first used row
        return [(number + start, cells) for number, cells in _rows(sheet.to_python(skip_empty_area=False))]
    from app.uploads import workbook
    return [(number, cells) for number, cells in workbook.read_sheet(content, "figures", 10 ** 9).rows]


def _memory_kb(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return 0


def child(reader: str, case: str) -> None:
    """Run in a fresh process: read one workbook with one reader, print the figures as JSON."""
    content = cases()[case]()
    import openpyxl  # noqa: F401  (imported before measuring, by every reader alike)
    import python_calamine  # noqa: F401
    from app.uploads import workbook
    before = _memory_kb("VmRSS")
    started = time.perf_counter()
    try:
        rows = read(reader, content)
        outcome = {"rows": len(rows), "first": rows[1][1][:6] if len(rows) > 1 else None}
    except Exception as error:  # noqa: BLE001 - the figure is what the reader did
        outcome = {"error": f"{type(error).__name__}: {str(error)[:80]}"}
    outcome["seconds"] = time.perf_counter() - started
    outcome["peak_mb"] = (_memory_kb("VmHWM") - before) / 1024
    print(json.dumps(outcome))


def cases() -> dict:
    from bench.submissions_check import excel_file
    from app.uploads import TEMPLATE_COLUMNS
    from tests import hostile_files
    return {"20,000 valid rows": lambda: excel_file(20_000, TEMPLATE_COLUMNS),
            "one shared string of 40 MB": lambda: hostile_files.shared_strings_bomb(40),
            "one shared string of 200 MB": lambda: hostile_files.shared_strings_bomb(200),
            "a value in A1048576": hostile_files.one_cell_far_down}


def measure(reader: str, case: str, budget: float = 120) -> dict:
    try:
        done = subprocess.run([sys.executable, __file__, "--child", reader, case], capture_output=True, text=True,
                              timeout=budget, cwd=ROOT)
        return json.loads(done.stdout.strip().splitlines()[-1])
    except subprocess.TimeoutExpired:
        return {"error": f"stopped after {budget:.0f} s", "seconds": budget, "peak_mb": float("nan")}
    except (IndexError, ValueError):
        return {"error": "the process died (out of memory?)", "seconds": float("nan"), "peak_mb": float("nan")}


def main() -> int:
    print("Agreement with openpyxl on the corpus (same rows, same row numbers, same text):")
    for path in sorted(CORPUS.glob("*.xlsx")) + [CORPUS / "mislabelled_excel.csv"]:
        content = path.read_bytes()
        if b"xl/workbook.xml" not in content:  # not a workbook at all (refused before any reader runs)
            continue
        expected = read("openpyxl", content)
        verdicts = []
        for reader in ("calamine", "streaming"):
            try:
                verdicts.append(f"{reader}: {'same' if read(reader, content) == expected else 'DIFFERENT'}")
            except Exception as error:  # noqa: BLE001
                verdicts.append(f"{reader}: {type(error).__name__}")
        print(f"  {path.name:<28}" + "   ".join(verdicts))
    formula = (CORPUS / "formula_cell.xlsx").read_bytes()
    for reader in READERS:
        cells = [cell for _n, row in read(reader, formula) for cell in row]
        print(f"  formula cell as read by {reader:<10}: {next((c for c in cells if '12000' in c), 'not seen')!r}")
    print()
    print(f"{'workbook':<30}" + "".join(f"{reader:>24}" for reader in READERS))
    for case in cases():
        line = f"{case:<30}"
        for reader in READERS:
            result = measure(reader, case)
            figure = f"{result['seconds']:.2f} s {result['peak_mb']:.0f} MB"
            line += f"{('ERR ' + figure) if 'error' in result else figure:>24}"
        print(line, flush=True)
    return 0


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3])
    else:
        sys.exit(main())
