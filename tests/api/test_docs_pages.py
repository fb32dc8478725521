"""`/docs` and `/redoc` render from the API's own files: no CDN, nothing fetched from outside."""

import httpx

from api.main import create_app
from orderflow.settings import Settings
from tests.api.stack import LiveStack, api_settings
from tests.api.test_pages_in_chromium import browser, chromium  # noqa: F401 (fixtures)


def client() -> httpx.AsyncClient:
    app = create_app(api_settings(Settings(env="test"), "orders"))
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://testserver")


async def test_docs_pages_load_their_scripts_from_the_api():
    async with client() as http:
        for page, assets in (
            ("/docs", ("/docs-assets/swagger-ui-bundle.js", "/docs-assets/swagger-ui.css")),
            ("/redoc", ("/docs-assets/redoc.standalone.js",)),
        ):
            html = (await http.get(page)).text
            assert "cdn." not in html and "fonts.googleapis" not in html, page
            for asset in assets:
                assert f'"{asset}"' in html
                served = await http.get(asset)
                assert served.status_code == 200 and len(served.content) > 100_000, asset


async def test_swagger_ui_renders_without_a_network(browser, dev_server_env, engine, settings):  # noqa: F811
    with LiveStack(dev_server_env.client.service_client.config.target_host, engine, settings) as stack:
        page = await browser.new_page()
        outside: list[str] = []

        async def only_this_server(route):
            if route.request.url.startswith(stack.base_url):
                await route.continue_()
            else:
                outside.append(route.request.url)
                await route.abort()

        await page.route("**/*", only_this_server)
        await page.goto(f"{stack.base_url}/docs")

        title = page.locator(".swagger-ui .info .title")
        await title.wait_for(timeout=20_000)
        assert "orderflow" in await title.inner_text()
        await page.locator(".opblock-tag", has_text="video agents").wait_for()
        assert outside == []
        await page.close()
