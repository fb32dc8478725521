"""Rendering the customer pages: Jinja2 with autoescaping, the customer's language, strict headers."""

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, PrefixLoader

from api.errors import ApiError
from api.pages.staff_texts import STAFF_TEXTS
from api.pages.texts import LANGUAGES, TEXTS
from orderflow.wording import PHRASES, localtime

PAGES = Path(__file__).parent
STATIC = PAGES / "static"

# The link token is in the address: no referrer may carry it elsewhere, no frame may show the
# page, and nothing but our own files may load (no CDN ever sees a customer's page).
PAGE_HEADERS = {
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Cache-Control": "no-store",
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' blob: data:; media-src 'self' blob:; "
        "script-src 'self'; style-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
}

_environment = Environment(
    loader=PrefixLoader({"pages": FileSystemLoader(PAGES / "templates"), "wording": FileSystemLoader(PHRASES)}),
    autoescape=True,
    trim_blocks=True,
    lstrip_blocks=True,
)
templates = Jinja2Templates(env=_environment)


def language(request: Request, order_locale: str | None = None) -> str:
    """`?lang=` if given; else the order's language (German if we do not speak it); else, where no
    order is known (a broken link, a staff page), the browser's first language we speak; else German."""
    asked = request.query_params.get("lang", "")
    if asked in LANGUAGES:
        return asked
    if order_locale is not None:
        return order_locale if order_locale in LANGUAGES else "de"
    for part in request.headers.get("accept-language", "").split(","):
        code = part.split(";")[0].strip()[:2].lower()
        if code in LANGUAGES:
            return code
    return "de"


def wants_page(request: Request) -> bool:
    """A plain form post or page load from a browser (fetch() from our scripts asks for JSON)."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


def render_page(
    request: Request, name: str, status_code: int = 200, locale: str | None = None, **context: Any
) -> HTMLResponse:
    """A page in the order's `locale` (see `language`); staff pages also get their own texts as `s`."""
    lang = language(request, locale)
    zone = ZoneInfo(request.app.state.settings.order_policy().timezone)

    def when(moment: datetime | None) -> str:
        return localtime.when(moment, lang, zone) if moment else ""

    return templates.TemplateResponse(
        request,
        f"pages/{name}",
        {"lang": lang, "t": TEXTS[lang], "s": STAFF_TEXTS[lang], "when": when, **context},
        status_code=status_code,
        headers=PAGE_HEADERS,
    )


def page_errors(request: Request, error: ApiError) -> Response | None:
    """A refusal on a customer page, told as a page with the next thing to do (None: answer JSON)."""
    path = request.url.path
    if not path.startswith(("/ident/", "/track/")):
        return None
    if request.method != "GET" and not wants_page(request):
        return None
    text = TEXTS[language(request)]
    message = text.get(error.code, text["problem_other"])
    # A refused form post leads back to its page; a page that cannot be shown has nowhere to go back to.
    back = path.rsplit("/", 1)[0] if request.method != "GET" else None
    return render_page(request, "problem.html", status_code=error.status, message=message, back=back)
