"""The QR codes scan as people meet them: on the measure page (desktop and phone) and
on the printed poster, decoded from a screenshot and from the poster's PDF."""

from __future__ import annotations

import io

import pypdfium2
import pytest
import zxingcpp
from PIL import Image

from jiuye.geo.loaders import load_songyuan_2017
from jiuye.portal.demo import seed_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo_portal(transactional_db) -> None:
    load_songyuan_2017()
    seed_demo()


def decoded(image: Image.Image) -> list[str]:
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


@pytest.mark.parametrize(
    "viewport",
    [{"width": 1280, "height": 900}, {"width": 375, "height": 740}],
    ids=["desktop", "phone"],
)
def test_measure_page_qr_scans_from_a_screenshot(live_server, page, demo_portal, viewport):
    # given
    page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/policies/m/2-3/")
    box = page.locator(".qr svg").first
    box.scroll_into_view_if_needed()
    # when
    shot = Image.open(io.BytesIO(box.screenshot()))
    # then
    assert decoded(shot) == [f"{live_server.url}/policies/m/2-3/"]


def test_measure_page_qr_is_not_clipped(live_server, page, demo_portal):
    # given
    page.goto(f"{live_server.url}/policies/m/2-3/")
    # when
    view_box = page.locator(".qr svg").first.get_attribute("viewBox")
    # then
    assert view_box is not None
    assert view_box.startswith("0 0 ")


def test_poster_pdf_qr_scans_after_rasterizing(live_server, page, demo_portal):
    # given
    page.set_viewport_size({"width": 794, "height": 1123})
    page.goto(f"{live_server.url}/policies/m/2-3/poster/")
    page.emulate_media(media="print")
    # when
    pdf = pypdfium2.PdfDocument(page.pdf(format="A4", print_background=True))
    image = pdf[0].render(scale=2).to_pil()
    # then
    assert len(pdf) == 1
    assert decoded(image) == [f"{live_server.url}/policies/m/2-3/"]
