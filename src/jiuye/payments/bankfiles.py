"""The 代发 files: what a released batch sends the bank, and the bank's result file.

**The 代发 file** (.csv and .xlsx, the same rows): a header row of the layout's headers,
one row per line in its order (payee name, full account number, bank, amount in yuan
with two decimals, reference, purpose — as the layout orders and names them), and a
last row, the checksum line::

    合计,<lines>,<total yuan>,SHA-256,<hex digest>

whose digest is SHA-256 of the UTF-8 text of the header and data rows as CSV (comma,
CRLF), so the bank (or anyone) recomputes it from the file itself. The batch keeps the
same digest at release: a file re-written later is checked against it. Account numbers
are in full (the bank needs them): the files are written owner-only (0600).

**The result file**: the same columns plus the layout's status and reason headers
(处理结果, 失败原因), .csv or .xlsx, read after the same file checks as the registry's
rosters (:mod:`jiuye.core.files`); a checksum line, if the bank keeps it, is ignored.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass
from pathlib import Path

from jiuye.core.files import FileError, check_header_position, check_xlsx, read_csv_text
from jiuye.core.xlsx import Book
from jiuye.payments.models import Batch, BatchLine
from jiuye.payments.reports import fen
from jiuye.registry.models import PayeeAccount

CHECKSUM_LABEL = "合计"


def yuan(value: int) -> str:
    """Fen as yuan with two decimals, no separators (the bank's amount column).

    >>> yuan(500000), yuan(7), yuan(123456)
    ('5000.00', '0.07', '1234.56')
    """
    return fen(value).replace(",", "")


def _csv(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    return buffer.getvalue()


@dataclass(frozen=True)
class BankFile:
    rows: list[list[str]]  # header and data rows
    checksum: list[str]
    digest: str

    def csv_bytes(self, encoding: str) -> bytes:
        return _csv([*self.rows, self.checksum]).encode(encoding)

    def xlsx_bytes(self) -> bytes:
        book = Book(streaming=True)  # a normal sheet's append slows with every row
        sheet = book.sheet("代发")
        for row in [*self.rows, self.checksum]:
            sheet.append(row)
        return book.content()


def _value(field: str, line: BatchLine, account: PayeeAccount, purpose: str) -> str:
    if field == "payee_name":
        return account.holder_name
    if field == "account":
        number = account._meta.get_field("number")
        return str(number.verified(account))
    if field == "bank":
        return account.bank_name
    if field == "amount_yuan":
        return yuan(line.amount_fen)
    if field == "reference":
        return line.reference
    if field == "purpose":
        return purpose
    raise ValueError(f"unknown layout field {field!r}")


def render(batch: Batch) -> BankFile:
    """The batch's 代发 rows and checksum line (deterministic: the same batch, the same
    bytes)."""
    layout = batch.layout
    rows = [layout.headers()]
    lines = batch.lines.select_related("payee_account", "item").order_by("seq")
    total = 0
    count = 0
    for line in lines:
        rows.append(
            [
                _value(str(field), line, line.payee_account, line.item.title)
                for field, _ in layout.columns
            ]
        )
        total += line.amount_fen
        count += 1
    digest = hashlib.sha256(_csv(rows).encode("utf-8")).hexdigest()
    return BankFile(rows, [CHECKSUM_LABEL, str(count), yuan(total), "SHA-256", digest], digest)


def write(batch: Batch, folder: Path) -> list[Path]:
    """Write the batch's .csv and .xlsx into ``folder`` (0600); refuse if the rows no
    longer give the digest fixed at release."""
    from jiuye.core.files import private_dir, write_private
    from jiuye.payments.errors import PaymentConflict

    made = render(batch)
    if batch.file_sha256 and made.digest != batch.file_sha256:
        raise PaymentConflict(
            "bank_file_changed", f"批次 {batch.code} 的代发明细与发出时的摘要不符，不能写出"
        )
    private_dir(folder)
    csv_path, xlsx_path = folder / f"{batch.code}.csv", folder / f"{batch.code}.xlsx"
    write_private(csv_path, made.csv_bytes(batch.layout.csv_encoding))
    write_private(xlsx_path, made.xlsx_bytes())
    return [csv_path, xlsx_path]


class ResultFileError(FileError):
    pass


def read_rows(path: Path) -> list[list[str]]:
    """The rows (header first) of a result file, .csv or .xlsx, after the file checks."""
    suffix = path.suffix.lower()
    if suffix == ".csv":
        text = read_csv_text(path, error=ResultFileError)
        return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]
    if suffix == ".xlsx":
        scan = check_xlsx(path, template="银行返回文件", error=ResultFileError)
        check_header_position(scan, error=ResultFileError)
        import fastexcel

        sheet = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string")
        frame = sheet.to_polars()
        return [["" if cell is None else str(cell).strip() for cell in row] for row in frame.rows()]
    raise ResultFileError("file_type", "银行返回文件应为 .csv 或 .xlsx")
