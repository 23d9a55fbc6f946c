"""Casework walks in headless Chromium, through the real pages and the real sign-in:
a graduate applies from the self-check on a phone, uploads a licence scan on the
progress page (the ID card is proved by the registry), the reviewer opens it, is
returned for that item, supplements with a new scan, is approved at three levels in three
staff sessions, appears in 公示, and follows it on the progress page; a counter clerk in
扶余市 files for a 宁江区 resident."""

from __future__ import annotations

import io
import re
from datetime import date

import pytest
from playwright.sync_api import expect

from jiuye.casework import publicity
from jiuye.casework.models import Case, CaseFile, FileView
from jiuye.core import clock, messages
from jiuye.portal.demo import seed_guides
from tests.browser.walks import staff_page, walk
from tests.casework.world import GRADUATE_ID, build_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TODAY = date(2026, 6, 1)
PHONE = {"width": 390, "height": 844}
GRADUATE = {
    "veteran": "否",
    "is_college_graduate": "是",
    "business_kind": "小微企业",
    "is_first_business": "是",
    "business_license_date": "2025-03-01",
    "business_operating_since": "2025-03-01",
    "business_operating_normally": "是",
    "has_social_insurance": "是",
    "received_startup_subsidy": "否",
}


LICENCE_ITEM = "【示例】能证明“已领取工商营业执照”的材料"


@pytest.fixture
def world(monkeypatch, settings, tmp_path):
    monkeypatch.setattr(clock, "today", lambda: TODAY)
    monkeypatch.setattr(publicity, "period_days", lambda rule_id, on: 5)
    settings.CASE_FILES_ROOT = tmp_path / "case-files"
    made = build_world()
    seed_guides()  # the demo's sample guides: the checklist the graduate sees
    return made


def scan(tmp_path, name: str, pages: int = 1):
    """A real small PDF, as a phone's scanner app saves it."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    path = tmp_path / name
    path.write_bytes(out.getvalue())
    return path


def look_up(page, live_server, code):
    page.goto(f"{live_server.url}/banshi/progress/")
    page.get_by_label("办件编号").fill(code)
    page.get_by_label("身份证号码（或统一社会信用代码）后六位").fill(GRADUATE_ID[-6:])
    page.get_by_role("button", name="查询").click()


def act(browser, live_server, username, code, action="通过", checks=(), **fields):
    context, page = staff_page(browser, live_server, username)
    page.get_by_role("table").get_by_role("link", name=code).click()
    page.get_by_label("办理").select_option(label=action)
    for label in checks:
        page.get_by_label(label).check()
    for label, value in fields.items():
        page.get_by_label(label).fill(value)
    page.get_by_role("button", name="提交").click()
    expect(page.locator(".flash")).to_be_visible()
    text = page.locator("main").inner_text()
    context.close()
    return text


def test_a_graduate_applies_on_a_phone_and_follows_it_to_the_announcement(
    world, live_server, page, browser, tmp_path
):
    # given a phone and the self-check
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/selfcheck/person/")
    walk(page, GRADUATE)
    card = page.locator("article.rule").filter(
        has=page.get_by_role("heading", name="一次性初创企业补贴")
    )
    # when the graduate applies from the card
    card.get_by_role("button", name="申请").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("在线申请")
    page.get_by_label("姓名（单位名称）").fill("张小三")
    page.get_by_label("居民身份证号码（单位填统一社会信用代码）").fill(GRADUATE_ID)
    page.get_by_label("手机号码（接收验证码和办理进度）").fill("13900001111")
    page.get_by_role("button", name="获取短信验证码").click()
    code = re.search(r"验证码 (\d{6})", messages.outbox[-1].text).group(1)
    page.get_by_label("短信验证码（6 位）").fill(code)
    page.get_by_role("button", name="提交申请").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("申请已提交")
    case = Case.objects.get()
    assert case.code in page.locator("main").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    # before review, the graduate looks the case up on the phone: the registry proves
    # the ID card, the licence is asked for; a photo of the wrong kind is refused there
    look_up(page, live_server, case.code)
    expect(page.get_by_text("已由登记信息证明（申请人已在登记信息中），无需提交")).to_be_visible()
    licence = page.locator("li.item").filter(has=page.get_by_text(LICENCE_ITEM, exact=True))
    wrong = tmp_path / "licence.pdf"
    wrong.write_bytes(b"\x89PNG\r\n\x1a\n not really a pdf")
    licence.get_by_label(f"上传：{LICENCE_ITEM}").set_input_files(wrong)
    licence.get_by_role("button", name="上传", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("内容却是 PNG 图片")
    licence = page.locator("li.item").filter(has=page.get_by_text(LICENCE_ITEM, exact=True))
    licence.get_by_label(f"上传：{LICENCE_ITEM}").set_input_files(scan(tmp_path, "执照.pdf"))
    licence.get_by_role("button", name="上传", exact=True).click()
    expect(page.locator(".flash")).to_contain_text(f"已上传“{LICENCE_ITEM}”")
    expect(licence.locator(".status")).to_have_text("已上传 1 份")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    first = CaseFile.objects.get()
    # the community's reviewer sees the scan on the case page and opens it (logged)
    context, reviewer = staff_page(browser, live_server, "community")
    reviewer.get_by_role("table").get_by_role("link", name=case.code).click()
    link = reviewer.get_by_role("link", name=re.compile(r"PDF 文件"))
    expect(link).to_have_count(1)
    opened = context.request.get(live_server.url + link.get_attribute("href"))
    assert opened.status == 200
    assert opened.body() == (tmp_path / "执照.pdf").read_bytes()
    assert FileView.objects.get().viewer.username == "community"
    reviewer.reload()
    expect(reviewer.locator("ul.files")).to_contain_text("查看 1 次")
    context.close()
    # the community returns it, picking the licence from the checklist
    act(
        browser,
        live_server,
        "community",
        case.code,
        action="退回补正（一次性告知）",
        checks=[re.compile("^退回补正：" + re.escape(LICENCE_ITEM))],
        **{f"“{LICENCE_ITEM}”的问题（申请人可见）": "扫描件不清晰", "补正期限": "2026-06-10"},
    )
    # the graduate supplements once, with a new scan for that item
    look_up(page, live_server, case.code)
    expect(page.get_by_text(f"{LICENCE_ITEM}：扫描件不清晰")).to_be_visible()
    page.get_by_label(f"补正材料：{LICENCE_ITEM}（扫描件不清晰）").set_input_files(
        scan(tmp_path, "执照-清晰.pdf", pages=2)
    )
    page.get_by_label("补正说明").fill("已重新扫描营业执照")
    page.get_by_role("button", name="提交补正").click()
    expect(page.get_by_text("补正已提交")).to_be_visible()
    second = CaseFile.objects.exclude(pk=first.pk).get()
    assert (second.channel, second.notice.state) == ("supplement", "answered")
    # three levels in three staff sessions
    act(browser, live_server, "community", case.code)
    act(browser, live_server, "county", case.code)
    final = act(browser, live_server, "lead", case.code)
    assert "公示中" in final
    # then it is announced, masked, and the progress page tells the whole story
    page.goto(f"{live_server.url}/gongshi/")
    expect(page.get_by_text("张*三")).to_be_visible()
    expect(page.get_by_text("220702********123X")).to_be_visible()
    page.goto(f"{live_server.url}/banshi/progress/")
    page.get_by_label("办件编号").fill(case.code)
    page.get_by_label("身份证号码（或统一社会信用代码）后六位").fill(GRADUATE_ID[-6:])
    page.get_by_role("button", name="查询").click()
    story = page.locator("main").inner_text()
    for text in ("公示中", "社区初审", "县区复审", "县区审批", "申请人补正", "开始公示"):
        assert text in story
    assert "张小三" not in story
    assert len([m for m in messages.outbox if m.purpose == "case_state"]) >= 6


def test_a_counter_clerk_in_fuyu_files_for_a_ningjiang_resident(world, live_server, browser):
    context, page = staff_page(browser, live_server, "fuyu")
    page.get_by_role("link", name="窗口受理（代为申请）").click()
    page.get_by_label("申请事项").select_option(value="startup_subsidy")
    page.get_by_label("居民身份证号码或统一社会信用代码（已核验证件原件）").fill(GRADUATE_ID)
    page.get_by_label("姓名或单位名称").fill("张小三")
    page.get_by_label("已查验身份证件原件").check()
    page.get_by_role("button", name="受理").click()
    expect(page.get_by_text("您是本件的首问责任人")).to_be_visible()
    main = page.locator("main").inner_text()
    assert "幸福社区居委会" in main
    case = Case.objects.get()
    assert case.taken_office.name == "扶余市就业服务大厅"
    assert case.handling_code == "220702"
    context.close()
