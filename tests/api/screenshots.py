"""Screenshots of pages under test, at phone and desktop width, kept as test artefacts
(test-artifacts/screenshots/, not in git) for a person to look at."""

from pathlib import Path

from playwright.async_api import Page

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
WIDTHS = (390, 1280)


async def shoot(page: Page, name: str) -> list[Path]:
    """Full-page screenshots at each width in WIDTHS; the page gets its own size back afterwards."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    written = []
    for width in WIDTHS:
        await page.set_viewport_size({"width": width, "height": 900})
        target = ARTIFACTS / f"{name}-{width}.png"
        await page.screenshot(path=str(target), full_page=True)
        written.append(target)
    if before is not None:
        await page.set_viewport_size(before)
    return written
