from __future__ import annotations


def test_api_root_lists_its_documents(client):
    # when
    response = client.get("/api/v1/")
    # then
    assert response.status_code == 200
    assert response.json() == {
        "name": "就业（Jiuye）",
        "version": "0.1.0",
        "api_version": "1",
        "openapi": "/api/v1/openapi.json",
        "docs": "/api/v1/docs",
    }


def test_openapi_document_describes_the_api(client):
    # when
    document = client.get("/api/v1/openapi.json").json()
    # then
    assert document["info"]["title"] == "就业（Jiuye）API"
    assert document["info"]["version"] == "1"
    assert "/api/v1/" in document["paths"]


def test_docs_use_the_bundled_swagger_ui(client):
    # when
    html = client.get("/api/v1/docs").content.decode()
    # then
    assert '<script src="/static/ninja/swagger-ui-bundle.js"></script>' in html
    assert "cdn" not in html.lower()
