"""Case materials: the checklist from the guide (registry-proved items not asked), files
checked by content and size, stored encrypted 0600 outside the web root, shown only to
the applicant's proving session and staff who see the case, every look logged."""

from __future__ import annotations

import base64
import datetime as dt
import io
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from PIL import Image
from pypdf import PdfWriter

from jiuye.casework import materials, review
from jiuye.casework.errors import CaseInvalid
from jiuye.casework.filing import file_case
from jiuye.casework.models import Case, CaseFile, CaseState, FileView, Notice, NoticeState
from jiuye.core import crypto
from jiuye.core.crypto import FieldCryptoError
from jiuye.core.models import AuditEvent, ChangeLog
from jiuye.identity import make_resident_id
from jiuye.portal.models import Guide, GuideItem
from jiuye.portal.proofs import RECORD
from jiuye.registry.models import Business
from jiuye.testing.signin import SignedInClient
from tests.casework.world import GRADUATE_ID, OTHER_ID, STARTUP_FACTS, TODAY, build_world

# ---------------------------------------------------------------- files made here


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def image_bytes(kind: str = "PNG", size: tuple[int, int] = (40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, format=kind)
    return out.getvalue()


def upload(data: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


@pytest.fixture(autouse=True)
def files_root(settings, tmp_path):
    settings.CASE_FILES_ROOT = tmp_path / "case-files"
    return settings.CASE_FILES_ROOT


@pytest.fixture
def guide(db):
    guide = Guide.objects.create(
        rule_id="startup_subsidy", procedure="受理", time_limit="10个工作日"
    )
    items = {
        "id": GuideItem(guide=guide, position=1, name="居民身份证", proved_by=RECORD),
        "licence": GuideItem(
            guide=guide, position=2, name="营业执照", proved_by="business_license_date"
        ),
        "insurance": GuideItem(guide=guide, position=3, name="社会保险缴费证明"),
        "lease": GuideItem(guide=guide, position=4, name="经营场所租赁合同", required=False),
    }
    for item in items.values():
        item.save()
    return items


def online_case(subject_id: str = GRADUATE_ID, name: str = "张小三", **extra) -> Case:
    return file_case(
        rule_id="startup_subsidy",
        subject_id=subject_id,
        subject_name=name,
        channel="online",
        mobile="13900001111",
        declared=STARTUP_FACTS,
        source="portal",
        **extra,
    )


def staff(user) -> SignedInClient:
    client = SignedInClient()
    client.force_login(user)
    return client


def applicant(case: Case, subject_id: str = GRADUATE_ID) -> Client:
    """A browser session that proved the case by its code and the last six characters."""
    client = Client()
    response = client.post("/banshi/progress/", {"code": case.code, "last6": subject_id[-6:]})
    assert response.status_code == 200
    return client


def post_file(client, case: Case, item: GuideItem, data: bytes, name: str):
    return client.post(
        f"/banshi/progress/{case.code}/materials/{item.pk}/", {"file": upload(data, name)}
    )


# ---------------------------------------------------------------- content


def test_a_pdf_that_is_really_a_png_is_refused():
    with pytest.raises(CaseInvalid) as refused:
        materials.check_content(image_bytes("PNG"), "营业执照.pdf")
    assert refused.value.code == "file_type_mismatch"
    assert "文件名是 .pdf，内容却是 PNG 图片" in refused.value.message


def test_a_truncated_pdf_is_refused_and_the_whole_one_accepted():
    whole = pdf_bytes()
    assert materials.check_content(whole, "licence.pdf") == "pdf"
    assert whole.endswith(b"%%EOF\n")
    for cut in (len(whole) - 3, len(whole) - 20, len(whole) // 2):
        with pytest.raises(CaseInvalid) as refused:
            materials.check_content(whole[:cut], "licence.pdf")
        assert refused.value.code == "file_broken"
        assert "PDF 文件已损坏或不完整" in refused.value.message


def test_a_pdf_with_a_password_is_refused():
    writer = PdfWriter()
    writer.add_blank_page(width=100, height=100)
    writer.encrypt("secret")
    out = io.BytesIO()
    writer.write(out)
    with pytest.raises(CaseInvalid) as refused:
        materials.check_content(out.getvalue(), "a.pdf")
    assert refused.value.code == "file_encrypted"


def test_damaged_and_truncated_images_are_refused_whole_ones_accepted():
    png, jpeg = image_bytes("PNG"), image_bytes("JPEG", (64, 64))
    assert materials.check_content(png, "photo.png") == "png"
    assert materials.check_content(jpeg, "photo.JPG") == "jpeg"
    assert materials.check_content(jpeg, "") == "jpeg"  # a phone's camera may name none
    damaged = bytearray(png)
    damaged[len(png) // 2] ^= 0xFF  # a bit flipped inside the image data: its CRC fails
    for data, name in ((bytes(damaged), "a.png"), (png[:-30], "a.png"), (jpeg[:-200], "a.jpg")):
        with pytest.raises(CaseInvalid) as refused:
            materials.check_content(data, name)
        assert refused.value.code == "file_broken", name


def test_other_kinds_are_refused_by_content_not_name():
    for data, name in (
        (b"hello, not a scan", "scan.pdf"),
        (b"GIF89a\x01\x00\x01\x00", "scan.png"),
        (b"PK\x03\x04 a zip", "licence.jpg"),
    ):
        with pytest.raises(CaseInvalid) as refused:
            materials.check_content(data, name)
        assert refused.value.code == "file_type", name
        assert "只能上传 PDF、JPG 或 PNG 文件" in refused.value.message
    with pytest.raises(CaseInvalid) as refused:
        materials.check_content(pdf_bytes(), "licence.docx")
    assert refused.value.code == "file_type_mismatch"


def test_over_the_limit_by_one_byte_is_refused_exactly_the_limit_accepted(settings):
    data = pdf_bytes()
    settings.CASE_FILE_MAX_BYTES = len(data)
    assert materials.check_content(data, "a.pdf") == "pdf"
    settings.CASE_FILE_MAX_BYTES = len(data) - 1
    with pytest.raises(CaseInvalid) as refused:
        materials.check_content(data, "a.pdf")
    assert refused.value.code == "file_too_large"
    assert f"超过上限 {materials.size_text(len(data) - 1)}（{len(data) - 1:,} 字节）" in (
        refused.value.message
    )
    # an upload is refused by its declared size before it is read
    with pytest.raises(CaseInvalid):
        materials.read_upload(upload(data, "a.pdf"))


def test_an_empty_file_is_refused():
    with pytest.raises(CaseInvalid) as refused:
        materials.check_content(b"", "a.pdf")
    assert refused.value.message == "文件是空的，请重新选择"


# ---------------------------------------------------------------- on disk


def test_files_are_encrypted_0600_in_0700_folders_outside_the_web_root(world, guide, files_root):
    case = online_case()
    png = image_bytes("PNG")
    # when the applicant uploads on the progress page
    response = post_file(applicant(case), case, guide["insurance"], png, "社保.png")
    # then
    assert response.status_code == 302
    row = CaseFile.objects.get()
    path = Path(files_root) / row.storage
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700
    assert Path(settings.STATIC_ROOT).resolve() not in path.resolve().parents
    assert path.resolve().is_relative_to(Path(files_root).resolve())
    blob = path.read_bytes()
    assert blob.startswith(b"JYCF1:A256GCM\n")
    assert b"PNG" not in blob
    assert png[:16] not in blob
    assert b"IDAT" not in blob
    # the row holds the file's key wrapped by the field keys, never in clear
    with connection.cursor() as cursor:
        cursor.execute("SELECT data_key FROM casework_casefile WHERE id = %s", [row.pk])
        stored = cursor.fetchone()[0]
    assert stored.startswith("A256GCM:t1:")
    assert stored != row.data_key
    assert materials.read(row, session_key="s") == png
    assert (row.kind, row.size, row.item_name, row.by_applicant) == (
        "png",
        len(png),
        "社会保险缴费证明",
        True,
    )


def test_a_file_moved_onto_another_row_does_not_open(world, guide, files_root):
    case = online_case()
    client = applicant(case)
    post_file(client, case, guide["insurance"], image_bytes("PNG"), "a.png")
    post_file(client, case, guide["lease"], pdf_bytes(), "b.pdf")
    first, second = CaseFile.objects.order_by("id")
    root = Path(files_root)
    (root / second.storage).write_bytes((root / first.storage).read_bytes())
    with pytest.raises(FieldCryptoError):
        materials.read(second, session_key="s")


def test_key_rotation_rewraps_the_file_keys_and_the_files_still_open(
    clock, guide, tmp_path, settings, monkeypatch
):
    from typer.testing import CliRunner

    from jiuye.cli import app
    from jiuye.core import keyfiles

    # given a file uploaded under k1 of a key file
    path = tmp_path / "field-keys"
    keyfiles.write_private(
        path,
        f"enc k1 {base64.b64encode(os.urandom(32)).decode()}\n"
        f"index i1 {base64.b64encode(os.urandom(32)).decode()}\n",
    )
    monkeypatch.delenv(crypto.ENV_KEYS)
    settings.FIELD_KEY_FILE = str(path)
    crypto.reset_keyring()
    try:
        clock.set(TODAY)
        build_world()  # its rows under k1 too
        case = online_case()
        data = pdf_bytes()
        post_file(applicant(case), case, guide["insurance"], data, "a.pdf")
        row = CaseFile.objects.get()
        blob = (Path(settings.CASE_FILES_ROOT) / row.storage).read_bytes()
        # when the keys are rotated
        rotated = CliRunner().invoke(app, ["keys", "rotate"])
        crypto.reset_keyring()
        # then the row's key is under k2, the file on disk unchanged, and it opens
        assert rotated.exit_code == 0, rotated.output
        assert "casework_casefile.data_key：共 1 行，重新加密 1 行" in rotated.output
        with connection.cursor() as cursor:
            cursor.execute("SELECT data_key FROM casework_casefile")
            assert cursor.fetchone()[0].startswith("A256GCM:k2:")
        assert (Path(settings.CASE_FILES_ROOT) / row.storage).read_bytes() == blob
        assert materials.read(CaseFile.objects.get(), session_key="s") == data
    finally:
        crypto.reset_keyring()


def test_settings_refuse_a_files_root_under_the_static_root(tmp_path):
    env = {
        **os.environ,
        "JIUYE_VAR_DIR": str(tmp_path),
        "JIUYE_CASE_FILES_ROOT": str(tmp_path / "staticfiles" / "case-files"),
    }
    result = subprocess.run(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-c", "import jiuye.settings"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "办件材料必须存放在网站根目录之外" in result.stderr
    default = subprocess.run(  # noqa: S603
        [sys.executable, "-c", "import jiuye.settings as s; print(s.CASE_FILES_ROOT)"],
        env={**os.environ, "JIUYE_VAR_DIR": str(tmp_path), "JIUYE_CASE_FILES_ROOT": ""},
        capture_output=True,
        text=True,
        check=True,
    )
    assert default.stdout.strip() == str(tmp_path / "case-files")


# ---------------------------------------------------------------- who sees a file


def test_only_the_proving_session_and_staff_of_the_case_see_a_file(world, guide):
    case = online_case()
    other_case = online_case(OTHER_ID, "李四", division_code="220702001")
    owner = applicant(case)
    data = pdf_bytes()
    post_file(owner, case, guide["insurance"], data, "社保.pdf")
    row = CaseFile.objects.get()
    applicant_url = f"/banshi/progress/{case.code}/files/{row.pk}/"
    staff_url = f"/workbench/cases/{case.code}/files/{row.pk}/"
    # the proving session: 200, the bytes, downloaded (a PDF is never shown on this site)
    response = owner.get(applicant_url)
    assert response.status_code == 200
    assert response.content == data
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="{case.code}-{row.pk}.pdf"'
    assert "no-store" in response["Cache-Control"]
    # another applicant's session (it proved another case), and a fresh one: 404
    assert applicant(other_case, OTHER_ID).get(applicant_url).status_code == 404
    assert Client().get(applicant_url).status_code == 404
    # the other case's session cannot reach this file through its own case either
    assert (
        applicant(other_case, OTHER_ID)
        .get(f"/banshi/progress/{other_case.code}/files/{row.pk}/")
        .status_code
        == 404
    )
    # staff of the case's county: 200; of another county: 404
    assert staff(world.staff["county"]).get(staff_url).status_code == 200
    assert staff(world.staff["community"]).get(staff_url).status_code == 200
    assert staff(world.staff["fuyu"]).get(staff_url).status_code == 404
    # the file of another case under this case's code: 404
    assert (
        staff(world.staff["county"])
        .get(f"/workbench/cases/{other_case.code}/files/{row.pk}/")
        .status_code
        == 404
    )
    # and nobody else's look was logged
    assert FileView.objects.count() == 3


def test_every_look_is_logged_with_who_and_on_the_audit_trail(world, guide):
    case = online_case()
    owner = applicant(case)
    post_file(owner, case, guide["insurance"], image_bytes("PNG"), "a.png")
    row = CaseFile.objects.get()
    before = AuditEvent.objects.filter(event="access.case_file").count()
    county = staff(world.staff["county"])
    # when
    owner.get(f"/banshi/progress/{case.code}/files/{row.pk}/")
    county.get(f"/workbench/cases/{case.code}/files/{row.pk}/")
    county.get(f"/workbench/cases/{case.code}/files/{row.pk}/")
    staff(world.staff["fuyu"]).get(f"/workbench/cases/{case.code}/files/{row.pk}/")  # 404
    # then
    views = list(FileView.objects.order_by("id"))
    assert [(v.by_applicant, v.viewer) for v in views] == [
        (True, None),
        (False, world.staff["county"]),
        (False, world.staff["county"]),
    ]
    assert len(views[0].session) == 16
    assert views[1].session == ""
    events = list(AuditEvent.objects.filter(event="access.case_file").order_by("sequence"))
    assert len(events) - before == 3
    assert [e.actor_id for e in events[-3:]] == [None, *[world.staff["county"].pk] * 2]
    assert {e.object for e in events[-3:]} == {f"casework.casefile:{row.pk}"}
    assert events[-3].actor_label == "申请人（办件查询会话）"
    assert events[-1].detail["case"] == case.code
    # the case page tells staff how often and who last looked
    page = county.get(f"/workbench/cases/{case.code}/").content.decode()
    assert "查看 3 次" in page


# ---------------------------------------------------------------- the checklist


def test_what_the_registry_proves_is_not_asked_for(world, guide):
    case = online_case()
    client = applicant(case)
    page = client.get(f"/banshi/progress/{case.code}/").content.decode()
    # the graduate is in the registry: the ID card is proved; the registry holds no
    # business yet, so the licence is asked for
    assert "已由登记信息证明（申请人已在登记信息中），无需提交" in page
    assert f'action="/banshi/progress/{case.code}/materials/{guide["id"].pk}/"' not in page
    assert f'action="/banshi/progress/{case.code}/materials/{guide["licence"].pk}/"' in page
    refused = post_file(client, case, guide["id"], image_bytes("PNG"), "id.png")
    assert refused.status_code == 403
    assert "已由登记信息证明，无需上传" in refused.content.decode()
    assert CaseFile.objects.count() == 0
    # when the registry learns the graduate's business licence
    Business.objects.create(
        person=world.graduate,
        division=world.divisions["220702001"],
        kind="small_micro_enterprise",
        name="示例小店",
        license_date=dt.date(2025, 3, 1),
        status="operating",
    )
    page = client.get(f"/banshi/progress/{case.code}/").content.decode()
    assert "已由登记信息证明（营业执照领取（成立）日期），无需提交" in page
    assert f'action="/banshi/progress/{case.code}/materials/{guide["licence"].pk}/"' not in page
    # the same checklist on the staff case page
    staff_page = staff(world.staff["county"]).get(f"/workbench/cases/{case.code}/")
    text = staff_page.content.decode()
    assert text.count("，无需提交") == 2
    assert "社会保险缴费证明" in text
    assert "（如有）" in text


def test_declared_facts_prove_nothing_and_an_unregistered_applicant_is_asked(world, guide):
    # the graduate declared a licence date, the registry has none: still asked
    case = online_case()
    sheet = materials.checklist(case)
    assert [e.status for e in sheet.entries] == ["proved", "missing", "missing", "optional"]
    # someone not in the registry is asked for the ID card too
    stranger_id = make_resident_id("220702", dt.date(1990, 1, 1), 123, "male")
    stranger = online_case(stranger_id, "王五", division_code="220702001")
    assert [e.status for e in materials.checklist(stranger).entries] == [
        "missing",
        "missing",
        "missing",
        "optional",
    ]


def test_a_refused_upload_says_why_beside_its_item_and_keeps_the_rest(world, guide, settings):
    case = online_case()
    client = applicant(case)
    assert post_file(client, case, guide["insurance"], pdf_bytes(), "ok.pdf").status_code == 302
    settings.CASE_FILE_MAX_BYTES = 1000
    response = post_file(client, case, guide["licence"], image_bytes("PNG", (400, 400)), "l.png")
    page = response.content.decode()
    assert response.status_code == 422
    assert "超过上限 1000 字节（1,000 字节）" in page
    assert 'role="alert"' in page
    assert "已上传 1 份" in page
    assert CaseFile.objects.count() == 1
    # no file chosen
    empty = client.post(f"/banshi/progress/{case.code}/materials/{guide['licence'].pk}/")
    assert empty.status_code == 422
    assert "请先选择要上传的文件" in empty.content.decode()


def test_no_upload_once_the_case_is_decided_and_no_upload_without_the_session(world, guide):
    case = online_case()
    assert (
        Client()
        .post(
            f"/banshi/progress/{case.code}/materials/{guide['insurance'].pk}/",
            {"file": upload(pdf_bytes(), "a.pdf")},
        )
        .status_code
        == 404
    )
    Case.objects.filter(pk=case.pk).update(state=CaseState.REJECTED)
    response = post_file(applicant(case), case, guide["insurance"], pdf_bytes(), "a.pdf")
    assert response.status_code == 403
    assert "不能再上传材料" in response.content.decode()
    assert CaseFile.objects.count() == 0


def test_staff_return_picks_checklist_items_and_the_supplement_uploads_them(world, guide):
    case = online_case()
    community = staff(world.staff["community"])
    page = community.get(f"/workbench/cases/{case.code}/").content.decode()
    assert f'name="pick_{guide["licence"].pk}"' in page
    assert f'name="pick_{guide["id"].pk}"' in page  # staff may still ask for a proved item
    # when the community returns it picking the licence from the checklist
    response = community.post(
        f"/workbench/cases/{case.code}/act/",
        {
            "action": "return",
            "version": case.version,
            f"pick_{guide['licence'].pk}": "on",
            f"problem_{guide['licence'].pk}": "扫描件不清晰",
            "items": "经营情况说明：缺少",
            "deadline": "2026-06-10",
        },
    )
    assert response.status_code == 302
    notice = Notice.objects.get()
    assert notice.items == [
        {"item": "营业执照", "problem": "扫描件不清晰"},
        {"item": "经营情况说明", "problem": "缺少"},
    ]
    # then the applicant's page marks it and the supplement form asks for that file
    client = applicant(case)
    page = client.get(f"/banshi/progress/{case.code}/").content.decode()
    assert "需补正：扫描件不清晰" in page
    field = f"file_{guide['licence'].pk}"
    assert f'name="{field}"' in page
    # a bad file: nothing is lost, the notice stays open
    bad = client.post(
        f"/banshi/progress/{case.code}/supplement/",
        {"response": "已补传清晰的营业执照", field: upload(image_bytes(), "licence.pdf")},
    )
    text = bad.content.decode()
    assert bad.status_code == 422
    assert "内容却是 PNG 图片" in text
    assert "已补传清晰的营业执照</textarea>" in text
    assert Notice.objects.get().state == NoticeState.OPEN
    # a good one: the notice is answered, the file tied to it
    good = client.post(
        f"/banshi/progress/{case.code}/supplement/",
        {"response": "已补传清晰的营业执照", field: upload(pdf_bytes(), "licence.pdf")},
    )
    assert good.status_code == 200
    assert "补正已提交" in good.content.decode()
    assert Notice.objects.get().state == NoticeState.ANSWERED
    row = CaseFile.objects.get()
    assert (row.notice, row.item_name, row.channel) == (notice, "营业执照", "supplement")
    assert Case.objects.get().state == CaseState.REVIEWING


def test_a_counter_clerk_uploads_a_scan_for_the_applicant(world, guide):
    clerk = staff(world.staff["fuyu"])
    clerk.post(
        "/workbench/cases/counter/",
        {
            "rule_id": "startup_subsidy",
            "subject_id": GRADUATE_ID,
            "subject_name": "张小三",
            "checked_id": "on",
        },
    )
    case = Case.objects.get()
    page = clerk.get(f"/workbench/cases/{case.code}/").content.decode()
    assert "上传扫描件：营业执照" in page
    response = clerk.post(
        f"/workbench/cases/{case.code}/materials/{guide['licence'].pk}/",
        {"file": upload(image_bytes("JPEG", (120, 80)), "scan.jpg")},
    )
    assert response.status_code == 302
    row = CaseFile.objects.get()
    assert (row.by_applicant, row.uploaded_by, row.channel) == (
        False,
        world.staff["fuyu"],
        "counter",
    )
    history = ChangeLog.objects.get(entity="casework.casefile")
    assert (history.actor, history.action, history.source) == (
        world.staff["fuyu"],
        "create",
        "screen",
    )
    assert history.changes["item"] == "营业执照"
    assert "scan.jpg" not in str(history.changes)
    # a reviewer of the case's county sees it with a link
    reviewer_page = staff(world.staff["community"]).get(f"/workbench/cases/{case.code}/")
    assert f'href="/workbench/cases/{case.code}/files/{row.pk}/"' in reviewer_page.content.decode()
    # a refused scan comes back as a message on the case page
    refused = clerk.post(
        f"/workbench/cases/{case.code}/materials/{guide['licence'].pk}/",
        {"file": upload(b"not a scan", "scan.pdf")},
        follow=True,
    )
    assert "只能上传 PDF、JPG 或 PNG 文件" in refused.content.decode()


def test_returning_a_case_without_items_still_says_list_them(world, guide):
    case = online_case()
    response = staff(world.staff["community"]).post(
        f"/workbench/cases/{case.code}/act/",
        {"action": "return", "version": case.version, "deadline": "2026-06-10"},
    )
    assert response.status_code == 422
    assert "请一次列明全部需补正的事项" in response.content.decode()
    assert review.open_notice(Case.objects.get()) is None


# ---------------------------------------------------------------- the guide's text


def test_the_free_text_still_makes_and_reads_the_checklist(db):
    guide = Guide.objects.create(
        rule_id="startup_subsidy",
        materials="居民身份证\n\n 营业执照 \n居民身份证",
        procedure="受理",
        time_limit="10个工作日",
    )
    assert guide.material_list() == ["居民身份证", "营业执照"]
    item = guide.items.get(name="营业执照")
    item.proved_by = "business_license_date"
    item.save()
    # rewriting the text keeps the settings of the names that stay
    guide.materials = "营业执照\n社保缴费证明"
    assert Guide.objects.get(pk=guide.pk).materials == "营业执照\n社保缴费证明"
    assert guide.items.get(name="营业执照").proved_by == "business_license_date"
    assert [i.position for i in guide.checklist()] == [1, 2]


def test_the_demo_guides_stay_marked_as_samples_and_prove_by_the_registry(db):
    from jiuye.portal.demo import seed_guides

    seed_guides()
    guide = Guide.objects.get(rule_id="startup_subsidy")
    items = guide.checklist()
    assert guide.is_sample
    assert all(i.name.startswith("【示例】") for i in items)
    proofs = {i.name: i.proved_by for i in items}
    assert proofs["【示例】居民身份证原件及复印件"] == RECORD
    assert proofs["【示例】能证明“已领取工商营业执照”的材料"] == "business_license_date"


def test_the_admin_refuses_a_fact_the_rules_entity_does_not_have(admin_client, db):
    from tests.portal.guideitems import items_formset

    response = admin_client.post(
        "/admin/system/portal/guide/add/",
        {
            "rule_id": "startup_subsidy",
            "procedure": "受理",
            "time_limit": "10个工作日",
            **items_formset(["营业执照"], proved_by={"营业执照": "ui_insured"}),
        },
    )
    assert response.status_code == 200
    assert "不是人员登记信息中的事实" in response.content.decode()
    assert Guide.objects.count() == 0


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_each_line_into_an_item():
    latest = MigrationExecutor(connection).loader.graph.leaf_nodes()
    try:
        old = _migrate([("portal", "0004_booking_limits_rate_counters")])
        old.get_model("portal", "Guide").objects.create(
            rule_id="startup_subsidy",
            materials="【示例】居民身份证\n\n【示例】营业执照\n【示例】居民身份证\n" + "长" * 120,
            procedure="受理",
            time_limit="10个工作日",
            is_sample=True,
        )
        new = _migrate([("portal", "0005_guide_items")])
        items = new.get_model("portal", "GuideItem").objects.order_by("position")
        assert [(i.position, i.name, i.note) for i in items] == [
            (1, "【示例】居民身份证", ""),
            (2, "【示例】营业执照", ""),
            (3, "长" * 100, "长" * 20),
        ]
        back = _migrate([("portal", "0004_booking_limits_rate_counters")])
        text = back.get_model("portal", "Guide").objects.get().materials
        assert text == "【示例】居民身份证\n【示例】营业执照\n" + "长" * 120
    finally:
        _migrate(latest)


def test_a_signed_in_applicant_opens_their_files_without_a_lookup(world, guide):
    from tests.applicants.conftest import sign_in

    case = online_case()
    owner = applicant(case)
    post_file(owner, case, guide["insurance"], pdf_bytes(), "社保.pdf")
    row = CaseFile.objects.get()
    url = f"/banshi/progress/{case.code}/files/{row.pk}/"
    account = Client()
    stranger = Client()
    # when: the same person signs in to 个人/单位办事 with the mobile the case was filed with
    sign_in(account, GRADUATE_ID, world.graduate.name, "13900001111")
    sign_in(stranger, OTHER_ID, "李四", "13900002222")
    # then: their own case's file opens, another account's does not
    assert account.get(url).status_code == 200
    assert stranger.get(url).status_code == 404
