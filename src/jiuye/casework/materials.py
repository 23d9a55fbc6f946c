"""Case materials (申请材料): the checklist of a case and the files uploaded for it.

**The checklist** is the service guide's (``portal.GuideItem``, in order). An item whose
``proved_by`` the registry holds for the case's applicant reads 已由登记信息证明 and is not
asked for: :data:`~jiuye.portal.proofs.RECORD` when the case is linked to the
applicant's (unit's) registry record, a fact name when the registry's facts of that
record hold a value for it today (:func:`jiuye.eligibility.facts.case_for`: registry
facts only, never what the applicant declared). The open one-time notice's items that
name a checklist item mark it 需补正.

**A file** must be a PDF, JPG or PNG by its content: the first bytes say which (the
file name's extension must agree), then the whole file is parsed: PDFs by pypdf in
strict mode (a truncated or damaged file, one with a password, one without a page is
refused), images by Pillow (``verify`` and a full decode, and no more than
``settings.CASE_FILE_MAX_PIXELS``); no more than ``settings.CASE_FILE_MAX_BYTES``
(exactly the limit is accepted). Each refusal is a Chinese message naming the limit.

**At rest** a file is ``settings.CASE_FILES_ROOT/<case code>/<random>.bin`` (folders 0700,
files 0600), never under a served folder: ``JYCF1:<ALG>\\n`` + nonce + AES-256-GCM (or
SM4-GCM, with the field cipher) of the bytes under a random key of its own, with the
file's storage name as associated data (a file moved to another row fails to open). The
key is kept in the row encrypted by the field-encryption keys, so ``jiuye keys rotate``
re-wraps it and a copy of the folder without the database and the keys reads as noise.

**Every look** (:func:`read`) writes a :class:`~jiuye.casework.models.FileView` row and an
``access.case_file`` event on the security audit trail, in one transaction, before the
bytes are given out; every upload a history row (``casework.casefile``) through
:func:`jiuye.core.audit.record`. Who may look is the interfaces' question: staff through
the case page's jurisdiction, the applicant through the session that proved the case.
"""

from __future__ import annotations

import base64
import hashlib
import io
import logging
import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction

from jiuye.casework.errors import CaseInvalid, CaseNotFound, CaseRefused
from jiuye.casework.models import (
    Case,
    CaseFile,
    CaseState,
    FileKind,
    FileView,
    Notice,
    NoticeState,
    UploadChannel,
)
from jiuye.casework.models.materials import size_text
from jiuye.core import audit, clock, crypto, trail
from jiuye.core.errors import JiuyeError
from jiuye.core.files import private_dir, write_private
from jiuye.eligibility.facts import case_for
from jiuye.portal.models import Guide, GuideItem
from jiuye.portal.proofs import RECORD, proof_label

logger = logging.getLogger(__name__)

ENTITY = "casework.casefile"
#: States in which files may still be added (before the review ends).
UPLOAD_STATES = frozenset({CaseState.REVIEWING, CaseState.RETURNED})
#: Files one checklist item of one case may hold (a re-upload adds one; staff see all).
MAX_FILES_PER_ITEM = 10
KIND_LABELS = {FileKind.PDF: "PDF", FileKind.JPEG: "JPG 图片", FileKind.PNG: "PNG 图片"}
CONTENT_TYPES: dict[str, str] = {
    FileKind.PDF: "application/pdf",
    FileKind.JPEG: "image/jpeg",
    FileKind.PNG: "image/png",
}
EXTENSIONS = {
    "pdf": FileKind.PDF,
    "jpg": FileKind.JPEG,
    "jpeg": FileKind.JPEG,
    "jpe": FileKind.JPEG,
    "png": FileKind.PNG,
}
_PNG = b"\x89PNG\r\n\x1a\n"
_JPEG = b"\xff\xd8\xff"
_PDF = b"%PDF-"
_FORMAT = b"JYCF1:"
_NONCE = 12


class Upload(Protocol):
    """What an upload offers (Django's ``UploadedFile``, or a test's ``SimpleUploadedFile``)."""

    name: str | None
    size: int | None

    def read(self, size: int = ...) -> bytes: ...


# ---------------------------------------------------------------- content checks


def max_bytes() -> int:
    return int(settings.CASE_FILE_MAX_BYTES)


def _invalid(code: str, message: str, **extra: Any) -> CaseInvalid:
    return CaseInvalid(code, message, extra={"field": "file", **extra})


def check_size(size: int) -> None:
    limit = max_bytes()
    if size <= 0:
        raise _invalid("file_empty", "文件是空的，请重新选择")
    if size > limit:
        raise _invalid(
            "file_too_large",
            f"文件大小 {size_text(size)}（{size:,} 字节），超过上限 {size_text(limit)}"
            f"（{limit:,} 字节）：请压缩图片或分几份上传",
            limit=limit,
            size=size,
        )


def sniff(data: bytes) -> FileKind | None:
    """The kind the first bytes show (a PDF's header may follow up to 1 KB of junk).

    >>> [str(sniff(d)) for d in (b"%PDF-1.7", b"\\x89PNG\\r\\n\\x1a\\n", b"- %PDF-1.4", b"GIF8")]
    ['pdf', 'png', 'pdf', 'None']
    """
    if data.startswith(_PNG):
        return FileKind.PNG
    if data.startswith(_JPEG):
        return FileKind.JPEG
    if _PDF in data[:1024]:
        return FileKind.PDF
    return None


def _extension(name: str) -> str:
    base = os.path.basename(name or "")
    return base.rsplit(".", 1)[1].lower() if "." in base else ""


def check_content(data: bytes, name: str = "") -> FileKind:
    """The kind of ``data`` (named ``name``), or :class:`CaseInvalid` saying what is wrong."""
    check_size(len(data))
    kind = sniff(data)
    extension = _extension(name)
    if kind is None:
        raise _invalid("file_type", "只能上传 PDF、JPG 或 PNG 文件：这个文件不是其中之一")
    if extension and EXTENSIONS.get(extension) != kind:
        raise _invalid(
            "file_type_mismatch",
            f"文件名是 .{extension}，内容却是 {KIND_LABELS[kind]}："
            "请确认选对了文件（或改正文件扩展名）后重新上传",
        )
    if kind == FileKind.PDF:
        _check_pdf(data)
    else:
        _check_image(data, kind)
    return kind


def _check_pdf(data: bytes) -> None:
    from pypdf import PdfReader
    from pypdf.errors import PyPdfError

    broken = _invalid(
        "file_broken", "PDF 文件已损坏或不完整（可能没有保存或传输完整）：请重新生成后上传"
    )
    # the last line is %%EOF (ISO 32000-1 §7.5.5; blanks and NULs after it are tolerated):
    # pypdf itself accepts a file cut inside it
    tail = data[-1024:]
    end = tail.rfind(b"%%EOF")
    if end < 0 or tail[end + 5 :].strip(b" \t\r\n\x00\x0c"):
        raise broken
    try:
        reader = PdfReader(io.BytesIO(data), strict=True)
        if reader.is_encrypted:
            raise _invalid(
                "file_encrypted", "PDF 文件设有密码，工作人员无法打开：请上传未加密的文件"
            )
        pages = len(reader.pages)
    except CaseInvalid:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError) as error:
        logger.info("case file refused: PDF does not parse (%s)", type(error).__name__)
        raise broken from error
    if pages < 1:
        raise broken


def _check_image(data: bytes, kind: FileKind) -> None:
    from PIL import Image, UnidentifiedImageError

    broken = _invalid("file_broken", "图片文件已损坏或不完整：请重新拍照或扫描后上传")
    expected = "PNG" if kind == FileKind.PNG else "JPEG"
    try:
        with Image.open(io.BytesIO(data)) as image:
            if image.format != expected:
                raise broken
            width, height = image.size
            if width * height > int(settings.CASE_FILE_MAX_PIXELS):
                raise _invalid(
                    "file_pixels",
                    f"图片尺寸过大（{width}×{height} 像素）：请缩小到"
                    f" {int(settings.CASE_FILE_MAX_PIXELS):,} 像素以内后上传",
                )
            image.verify()
        # verify() checks the structure (a PNG's checksums); decoding reads every byte
        with Image.open(io.BytesIO(data)) as image:
            image.load()
    except CaseInvalid:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
    ) as error:
        logger.info("case file refused: image does not decode (%s)", type(error).__name__)
        raise broken from error


# ---------------------------------------------------------------- storage


def files_root() -> Path:
    return Path(settings.CASE_FILES_ROOT)


def _aad(storage: str, algorithm: str) -> bytes:
    return f"jiuye|casework_casefile|{storage}|{algorithm}".encode()


def seal(data: bytes, storage: str) -> tuple[bytes, str]:
    """``(blob, key)``: the bytes as written to disk and their key (Base64) for the row."""
    algorithm = crypto.keyring().algorithm
    length, make = crypto.ALGORITHMS[algorithm]
    key, nonce = os.urandom(length), os.urandom(_NONCE)
    body = make(key).encrypt(nonce, data, _aad(storage, algorithm))
    return _FORMAT + algorithm.encode() + b"\n" + nonce + body, base64.b64encode(key).decode()


def unseal(blob: bytes, key: str, storage: str) -> bytes:
    head, _, rest = blob.partition(b"\n")
    if not head.startswith(_FORMAT) or not rest:
        raise crypto.FieldCryptoError(
            "case_file_format", f"办件材料文件 {storage} 不是本系统的格式"
        )
    algorithm = head[len(_FORMAT) :].decode("ascii", "replace")
    if algorithm not in crypto.ALGORITHMS:
        raise crypto.FieldCryptoError(
            "case_file_algorithm", f"办件材料文件 {storage}：不支持的加密算法 {algorithm}"
        )
    _, make = crypto.ALGORITHMS[algorithm]
    try:
        return make(base64.b64decode(key)).decrypt(
            rest[:_NONCE], rest[_NONCE:], _aad(storage, algorithm)
        )
    except Exception as error:  # InvalidTag, a short blob: never the user's fault
        raise crypto.FieldCryptoError(
            "case_file_tampered", f"办件材料文件 {storage} 校验失败（被篡改、移动或不完整）"
        ) from error


def _path(storage: str) -> Path:
    path = (files_root() / storage).resolve()
    if files_root().resolve() not in path.parents:
        raise crypto.FieldCryptoError("case_file_path", "办件材料文件的存储位置不在材料目录内")
    return path


# ---------------------------------------------------------------- the checklist


@dataclass
class Entry:
    """One line of a case's checklist: the guide's item, what proves it, its files."""

    key: str
    name: str
    note: str = ""
    required: bool = True
    item: GuideItem | None = None
    proof: str = ""
    files: list[CaseFile] = field(default_factory=list)
    asked: str | None = None  # the open notice's problem with this item
    asked_since: Any = None
    error: str = ""  # why the last upload for this item was refused (shown beside it)
    supplement_error: str = ""  # the same, for the file chosen in the supplement form

    @property
    def proved(self) -> bool:
        return bool(self.proof)

    @property
    def answered(self) -> bool:
        """A file came after the notice that asked for this item."""
        return self.asked is not None and any(f.uploaded_at >= self.asked_since for f in self.files)

    @property
    def uploadable(self) -> bool:
        return self.item is not None and not self.proved

    @property
    def status(self) -> str:
        if self.proved:
            return "proved"
        if self.asked is not None and not self.answered:
            return "asked"
        if self.files:
            return "uploaded"
        return "missing" if self.required else "optional"

    @property
    def status_label(self) -> str:
        return {
            "proved": f"已由登记信息证明（{self.proof}），无需提交",
            "asked": f"需补正：{self.asked}",
            "uploaded": f"已上传 {len(self.files)} 份",
            "missing": "待提交",
            "optional": "如有请提交",
        }[self.status]


@dataclass
class Checklist:
    entries: list[Entry]
    has_guide: bool
    can_upload: bool
    notice: Notice | None = None

    def by_key(self, key: str) -> Entry | None:
        return next((e for e in self.entries if e.key == key), None)

    @property
    def asked(self) -> list[Entry]:
        return [e for e in self.entries if e.asked is not None and e.item is not None]

    @property
    def to_provide(self) -> list[Entry]:
        return [e for e in self.entries if e.status in ("missing", "asked")]


def guide_of(case: Case) -> Guide | None:
    return Guide.objects.prefetch_related("items").filter(rule_id=case.rule_id).first()


def proofs(case: Case) -> dict[str, str]:
    """What the registry proves for the case's applicant today: key → words.

    Only the registry's own facts count (what the applicant declared proves nothing).
    """
    if case.entity == "person" and case.person_id is not None:
        entity, record_id = "person", case.person_id
    elif case.entity == "employer" and case.employer_id is not None:
        entity, record_id = "employer", case.employer_id
    else:
        return {}
    found = {RECORD: proof_label(RECORD, entity)}
    try:
        facts = case_for(entity, record_id, clock.today()).facts
    except JiuyeError:
        return found
    for name in facts:
        label = proof_label(name, entity)
        if label:
            found[name] = label
    return found


def open_notice(case: Case) -> Notice | None:
    return case.notices.filter(state=NoticeState.OPEN).order_by("-id").first()


def checklist(case: Case, *, proved: dict[str, str] | None = None) -> Checklist:
    """The case's checklist as the applicant and staff see it."""
    guide = guide_of(case)
    known = proofs(case) if proved is None else proved
    notice = open_notice(case)
    asked = {str(e["item"]): str(e.get("problem", "")) for e in (notice.items if notice else [])}
    files = list(case.files.order_by("uploaded_at", "id"))
    entries: list[Entry] = []
    for item in guide.checklist() if guide is not None else []:
        entries.append(
            Entry(
                key=str(item.pk),
                name=item.name,
                note=item.note,
                required=item.required,
                item=item,
                proof=known.get(item.proved_by, "") if item.proved_by else "",
                files=[f for f in files if f.item_id == item.pk],
                asked=asked.get(item.name),
                asked_since=notice.issued_at if notice else None,
            )
        )
    listed = {e.item.pk for e in entries if e.item is not None}
    others = [f for f in files if f.item_id not in listed]
    for name in dict.fromkeys(f.item_name for f in others):
        entries.append(
            Entry(
                key=f"other-{len(entries)}",
                name=name,
                files=[f for f in others if f.item_name == name],
                note="清单中已无此项",
                required=False,
            )
        )
    return Checklist(
        entries=entries,
        has_guide=guide is not None,
        can_upload=case.state in UPLOAD_STATES,
        notice=notice,
    )


# ---------------------------------------------------------------- writes and reads


def read_upload(upload: Upload) -> bytes:
    """The bytes of an upload, its size checked before it is read."""
    if upload.size is not None:
        check_size(int(upload.size))
    data = upload.read(max_bytes() + 1)
    check_size(len(data))
    return data


def _session_digest(session_key: str | None) -> str:
    if not session_key:
        return ""
    return hashlib.sha256(f"jiuye-case-session|{session_key}".encode()).hexdigest()[:16]


def upload(
    case: Case,
    *,
    item_key: str,
    file: Upload,
    channel: str,
    user: Any = None,
    notice: Notice | None = None,
) -> CaseFile:
    """Store ``file`` for the checklist item ``item_key`` of ``case``.

    ``user`` is the staff member who uploads a scan (channel ``counter``); None for the
    applicant. Raises :class:`CaseInvalid` (the file) or :class:`CaseRefused` (the case).
    """
    if case.state not in UPLOAD_STATES:
        raise CaseRefused(
            "case_closed", f"办件当前状态为“{case.get_state_display()}”，不能再上传材料"
        )
    entry = checklist(case).by_key(str(item_key))
    if entry is None or entry.item is None:
        raise CaseNotFound("no_item", "材料清单中没有这一项", extra={"field": "item"})
    if entry.proved:
        raise CaseRefused("item_proved", f"“{entry.name}”已由登记信息证明，无需上传")
    if len(entry.files) >= MAX_FILES_PER_ITEM:
        raise CaseRefused(
            "item_full",
            f"“{entry.name}”已上传 {MAX_FILES_PER_ITEM} 份，达到上限；如需更换请联系经办人员",
        )
    data = read_upload(file)
    kind = check_content(data, file.name or "")
    storage = f"{case.code}/{secrets.token_hex(16)}.bin"
    blob, key = seal(data, storage)
    path = _path(storage)
    private_dir(path.parent)
    write_private(path, blob)
    staff = user if user is not None and getattr(user, "is_authenticated", False) else None
    try:
        with transaction.atomic():
            row = CaseFile.objects.create(
                case=case,
                item=entry.item,
                item_name=entry.name,
                kind=kind,
                size=len(data),
                storage=storage,
                data_key=key,
                channel=channel,
                by_applicant=staff is None,
                uploaded_by=staff,
                notice=notice,
            )
            audit.record(
                actor=staff,
                action="create",
                entity=ENTITY,
                object_id=row.pk,
                changes={
                    "case": case.code,
                    "item": entry.name,
                    "kind": str(kind),
                    "size": len(data),
                    "channel": channel,
                },
                source="screen" if staff is not None else "portal",
            )
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return row


def upload_many(
    case: Case,
    files: Iterable[tuple[str, Upload]],
    *,
    channel: str,
    user: Any = None,
    notice: Notice | None = None,
) -> tuple[list[CaseFile], dict[str, str]]:
    """Each ``(item key, file)`` stored on its own: the rows stored, and per item key the
    message of the ones refused (the others are kept)."""
    stored, refused = [], {}
    for key, file in files:
        try:
            stored.append(
                upload(case, item_key=key, file=file, channel=channel, user=user, notice=notice)
            )
        except JiuyeError as error:
            refused[key] = error.message
    return stored, refused


def read(
    row: CaseFile, *, user: Any = None, session_key: str | None = None, request: Any = None
) -> bytes:
    """The bytes of ``row`` for a staff member (``user``) or the applicant's session;
    the look is logged (a :class:`FileView` and the audit trail) before it is given."""
    staff = user if user is not None and getattr(user, "is_authenticated", False) else None
    with transaction.atomic():
        view = FileView.objects.create(
            file=row,
            at=clock.now(),
            viewer=staff,
            by_applicant=staff is None,
            session="" if staff is not None else _session_digest(session_key),
        )
        trail.append(
            "access.case_file",
            actor=staff,
            actor_label="" if staff is not None else "申请人（办件查询会话）",
            object=f"{ENTITY}:{row.pk}",
            request=request,
            detail={"case": row.case.code, "view": view.pk, "by_applicant": staff is None},
        )
    logger.info(
        "case file view: file=%s user=%s applicant=%s log=%s",
        row.pk,
        getattr(staff, "pk", None),
        staff is None,
        view.pk,
    )
    path = _path(row.storage)
    with open(path, "rb") as handle:
        blob = handle.read()
    return unseal(blob, row.data_key, row.storage)


def file_name(row: CaseFile) -> str:
    """The name a download is given: the case code and the file's id (never the name
    the applicant's device gave it, which may hold a name)."""
    return f"{row.case.code}-{row.pk}.{row.extension}"


def views_of(case: Case) -> dict[int, list[FileView]]:
    """The looks at each file of ``case``, newest first."""
    out: dict[int, list[FileView]] = {}
    for view in FileView.objects.filter(file__case=case).select_related("viewer"):
        out.setdefault(view.file_id, []).append(view)
    return out


def as_notice_items(entries: Iterable[Entry], problems: dict[str, str]) -> list[dict[str, str]]:
    """Notice items (``{item, problem}``) for the checklist entries staff picked."""
    return [
        {
            "item": e.name,
            "problem": (problems.get(e.key) or "").strip() or "缺少或不符合要求，请重新提交",
        }
        for e in entries
    ]


__all__ = [
    "CONTENT_TYPES",
    "MAX_FILES_PER_ITEM",
    "UPLOAD_STATES",
    "Checklist",
    "Entry",
    "UploadChannel",
    "as_notice_items",
    "check_content",
    "check_size",
    "checklist",
    "file_name",
    "files_root",
    "max_bytes",
    "proofs",
    "read",
    "seal",
    "size_text",
    "sniff",
    "unseal",
    "upload",
    "upload_many",
    "views_of",
]
