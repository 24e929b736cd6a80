"""The share page's HTML: a pure function of what it shows (`SharePage`), with its Open Graph and Twitter tags.

Everything on it comes from this server (the page, its media under /share/<token>/..., the fonts under /static/), so
the Content-Security-Policy can be strict: no script at all, the one stylesheet inline and allowed by its hash, media
and images from this server and the storage's origin (S3 is where the media routes redirect to). Every text is
escaped: the month name is reader text. The unfurling tags carry absolute URLs (a card is fetched by a crawler that
knows nothing of this page's address), and the media are named by this server's stable URLs rather than by S3's, so a
crawler that fetches a card an hour later does not meet an expired presigned URL.

The look is the default preset's: its colours, Fraunces for the title and the year, Inter for the rest (the same
bundled Latin files as the video, served from /static/fonts/; other scripts fall back to the system's fonts).
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from html import escape

from ..recap import FORMATS

CARD_SIZE = (1200, 630)
SHAPE_LABELS = {"square": "Square", "landscape": "Landscape"}

CSS = """
@font-face{font-family:Fraunces;font-style:normal;font-weight:600;font-display:swap;
  src:url("../static/fonts/fraunces-latin-600-normal.woff2") format("woff2")}
@font-face{font-family:Fraunces;font-style:italic;font-weight:400;font-display:swap;
  src:url("../static/fonts/fraunces-latin-400-italic.woff2") format("woff2")}
@font-face{font-family:Inter;font-style:normal;font-weight:400;font-display:swap;
  src:url("../static/fonts/inter-latin-400-normal.woff2") format("woff2")}
@font-face{font-family:Inter;font-style:normal;font-weight:600;font-display:swap;
  src:url("../static/fonts/inter-latin-600-normal.woff2") format("woff2")}
:root{color-scheme:dark;--bg:#0E0F13;--panel:#171920;--line:#262934;--text:#F4F0E8;--muted:#A6A6B0;--accent:#F5B83D}
*{box-sizing:border-box}
html,body{margin:0;background:var(--bg);color:var(--text)}
body{font:400 17px/1.5 Inter,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;min-height:100vh;
  -webkit-font-smoothing:antialiased}
.share{display:grid;gap:28px;grid-template-areas:"head" "video" "actions";max-width:1080px;margin:0 auto;
  padding:32px 20px 40px}
.head{grid-area:head}
.player{grid-area:video;margin:0}
.actions{grid-area:actions}
.eyebrow{margin:0 0 14px;color:var(--accent);font-weight:600;font-size:13px;letter-spacing:.16em;
  text-transform:uppercase;display:flex;align-items:center;gap:10px}
.eyebrow svg{width:18px;height:18px}
h1{margin:0;font-family:Fraunces,"Iowan Old Style",Georgia,serif;font-weight:600;letter-spacing:-.02em;
  line-height:1.02;font-size:clamp(52px,14vw,104px);overflow-wrap:anywhere}
.year{display:block;margin-top:4px;font-family:Fraunces,"Iowan Old Style",Georgia,serif;font-style:italic;
  font-weight:400;color:var(--accent);font-size:.62em;letter-spacing:0}
.rule{width:72px;height:4px;border-radius:2px;background:var(--accent);margin:26px 0 20px}
.books{margin:0;font-weight:600;font-size:22px;line-height:1.2}
.pages{margin:4px 0 0;color:var(--muted);font-size:16px}
video{display:block;width:100%;max-width:420px;aspect-ratio:9/16;height:auto;margin:0 auto;background:var(--panel);
  border-radius:18px;box-shadow:0 0 0 1px var(--line),0 24px 60px rgba(0,0,0,.45)}
.download{display:inline-flex;align-items:center;gap:10px;padding:14px 24px;border-radius:999px;
  background:var(--accent);color:var(--bg);font-weight:600;font-size:16px;text-decoration:none}
.download svg{width:18px;height:18px}
.download:hover{filter:brightness(1.08)}
a:focus-visible{outline:3px solid var(--text);outline-offset:3px}
.shapes{margin:18px 0 0;color:var(--muted);font-size:15px}
.shapes a{color:var(--text);text-decoration-color:var(--accent);text-underline-offset:3px}
.length{margin:18px 0 0;color:var(--muted);font-size:14px}
@media (min-width:820px){
  .share{grid-template-columns:minmax(0,420px) minmax(0,1fr);grid-template-rows:1fr auto 1fr;
    grid-template-areas:"video ." "video head" "video actions";column-gap:72px;row-gap:32px;
    padding:56px 48px;min-height:100vh;align-items:center}
  .head{align-self:end}
  .actions{align-self:start}
  h1{font-size:clamp(72px,8vw,112px)}
}
""".strip()

BOOK_ICON = (
    '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" '
    'stroke-linejoin="round" aria-hidden="true"><path d="M4 19.5V5a2 2 0 0 1 2-2h14v16H6a2 2 0 0 0-2 2.5"/>'
    '<path d="M8 7h8"/></svg>'
)
DOWNLOAD_ICON = (
    '<svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" '
    'stroke-linejoin="round" aria-hidden="true"><path d="M12 4v11"/><path d="m7 10 5 5 5-5"/><path d="M5 20h14"/>'
    "</svg>"
)


def _hash(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


STYLE_HASH = _hash(CSS)


@dataclass(frozen=True)
class SharePage:
    """What the page shows; every URL absolute."""

    page_url: str
    title: str
    month_name: str
    year: int
    books: int
    pages: int
    duration: float
    video_url: str
    download_url: str
    download_name: str
    poster_url: str | None = None
    card_url: str | None = None
    # Other shapes: name (square, landscape) -> download URL.
    shapes: tuple[tuple[str, str], ...] = ()

    @property
    def description(self) -> str:
        parts = [_count(self.books, "book") if self.books else "No finished books"]
        if self.pages:
            parts.append(_count(self.pages, "page"))
        return f"{' and '.join(parts)} in {self.month_name} {self.year}: a {self.duration:.0f}-second video recap."


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def content_security_policy(media_origins: tuple[str, ...] = ()) -> str:
    """The page's policy: no script, its own style, fonts from here, media and images from here and `media_origins`."""
    sources = " ".join(("'self'", *media_origins))
    return "; ".join(
        (
            "default-src 'none'",
            f"style-src {STYLE_HASH}",
            "font-src 'self'",
            f"img-src {sources}",
            f"media-src {sources}",
            "base-uri 'none'",
            "form-action 'none'",
            "frame-ancestors 'none'",
        )
    )


def _meta(attribute: str, name: str, content: str | int) -> str:
    return f'<meta {attribute}="{name}" content="{escape(str(content))}">'


def unfurl_tags(page: SharePage) -> list[str]:
    """The Open Graph and Twitter tags: a card (or the poster) as the image, the story video as the video."""
    og: list[tuple[str, str | int]] = [
        ("og:type", "video.other"),
        ("og:title", page.title),
        ("og:description", page.description),
        ("og:url", page.page_url),
        ("og:site_name", "Reading recap"),
    ]
    image, size = (page.card_url, CARD_SIZE) if page.card_url else (page.poster_url, FORMATS["story"])
    if image:
        og += [("og:image", image)]
        if image.startswith("https:"):
            og += [("og:image:secure_url", image)]
        og += [
            ("og:image:type", "image/jpeg"),
            ("og:image:width", size[0]),
            ("og:image:height", size[1]),
            ("og:image:alt", page.description),
        ]
    og += [("og:video", page.video_url)]
    if page.video_url.startswith("https:"):
        og += [("og:video:secure_url", page.video_url)]
    width, height = FORMATS["story"]
    og += [("og:video:type", "video/mp4"), ("og:video:width", width), ("og:video:height", height)]
    twitter: list[tuple[str, str | int]] = [
        ("twitter:card", "summary_large_image" if image else "summary"),
        ("twitter:title", page.title),
        ("twitter:description", page.description),
    ]
    if image:
        twitter += [("twitter:image", image), ("twitter:image:alt", page.description)]
    return [_meta("property", name, value) for name, value in og] + [
        _meta("name", name, value) for name, value in twitter
    ]


def render_share_page(page: SharePage) -> str:
    """The whole page, escaped."""
    poster = f' poster="{escape(page.poster_url)}"' if page.poster_url else ""
    pages = f'<p class="pages">{escape(_count(page.pages, "page"))}</p>' if page.pages else ""
    books = _count(page.books, "book") if page.books else "No finished books"
    shapes = ""
    if page.shapes:
        links = " · ".join(
            f'<a href="{escape(url)}" download>{escape(SHAPE_LABELS.get(name, name))}</a>' for name, url in page.shapes
        )
        shapes = f'<p class="shapes">Also as {links}</p>'
    download = (
        f'<a class="download" href="{escape(page.download_url)}" download="{escape(page.download_name)}">'
        f"{DOWNLOAD_ICON}Download the video</a>"
    )
    head = "\n".join(
        [
            '<meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(page.title)}</title>",
            _meta("name", "description", page.description),
            '<meta name="robots" content="noindex">',
            '<meta name="referrer" content="no-referrer">',
            f'<link rel="canonical" href="{escape(page.page_url)}">',
            *unfurl_tags(page),
            f"<style>{CSS}</style>",
        ]
    )
    return f"""<!doctype html>
<html lang="en">
<head>
{head}
</head>
<body>
<main class="share">
  <header class="head">
    <p class="eyebrow">{BOOK_ICON}Reading recap</p>
    <h1><span dir="auto">{escape(page.month_name)}</span> <span class="year">{page.year}</span></h1>
    <div class="rule"></div>
    <p class="books">{escape(books)}</p>
    {pages}
  </header>
  <figure class="player">
    <video controls playsinline preload="metadata" width="1080" height="1920"{poster}>
      <source src="{escape(page.video_url)}" type="video/mp4">
    </video>
  </figure>
  <div class="actions">
    {download}
    {shapes}
    <p class="length">{page.duration:.0f} seconds, 1080 &times; 1920, MP4</p>
  </div>
</main>
</body>
</html>
"""
