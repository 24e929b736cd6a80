"""The composition's text rules for every script, evaluated from the TypeScript sources without a browser
(remotion/scripts/text-rules.mjs): cover initials, direction, Han conventions, where lines may break, text fitting,
and which font files a text needs. Every call of the module is answered by one node run.
"""

from __future__ import annotations

import json
import random
import subprocess
import unicodedata
from typing import Any

import pytest

from tests.support.recaps import RECAP_NAMES, load_recap
from tests.support.remotion import run_node_script
from tests.support.stills import REMOTION

ZWNJ = "\u200c"

INITIALS = [
    ("The Left Hand of Darkness", "LH"),
    ("Good Omens", "GO"),
    ("the", "T"),
    ("1984", "1"),
    ("Nỗi buồn chiến tranh", "NB"),
    ("Война и мир 📚", "ВМ"),
    ("«Мастер и Маргарита»", "ММ"),
    ("Βίος και πολιτεία του Αλέξη Ζορμπά", "ΒΠ"),
    ("Վերք Հայաստանի", "ՎՀ"),
    ("ვეფხისტყაოსანი", "ვ"),
    ("סיפור פשוט", "ספ"),
    ("مئة عام من العزلة", "م"),
    ("بوف کور", "ب"),
    ("میرا داغستان", "م"),
    ("गोदान", "गो"),
    ("পথের পাঁচালী", "পপাঁ"),
    ("பொன்னியின் செல்வன்", "பொசெ"),
    ("สี่แผ่นดิน", "สี่"),
    ("เจ้าชายน้อย", "จ้"),
    ("ノルウェイの森", "ノル"),
    ("三体：黑暗森林", "三体"),
    ("紅樓夢", "紅樓"),
    ("채식주의자 🌱", "채식"),
    ("「雪国」", "雪国"),
    ("ノ", "ノ"),
    ("Tokyo 東京", "T"),
    ("E\u0302\u0301tude x", "E\u0302\u0301X"),
    ("\u0301abc def", "AD"),
    ("𝔘𝔫𝔦𝔠𝔬𝔡𝔢 text", "𝔘T"),
    ("📚", ""),
]

DIRECTIONS = [
    ("סיפור פשוט", "rtl"),
    ("مئة عام من العزلة", "rtl"),
    ("«مئة عام»", "rtl"),
    ("123 שלום", "rtl"),
    ("Hebrew for Beginners: עברית", "ltr"),
    ("Война и мир", "ltr"),
    ("1984", "ltr"),
    ("", "ltr"),
]

HAN_LANGS = [
    ("ノルウェイの森", "ja"),
    ("村上春樹 ノルウェイの森", "ja"),
    ("채식주의자", "ko"),
    ("三体：黑暗森林", "zh-Hans"),
    ("刘慈欣", "zh-Hans"),
    ("紅樓夢", "zh-Hant"),
    ("Piranesi", None),
    ("Война и мир 📚", None),
]

BREAKS = [
    (("ノルウェイの森",), ["ノ", "ル", "ウェ", "イ", "の", "森"]),
    (("三体：黑暗森林",), ["三", "体：", "黑", "暗", "森", "林"]),
    (("「森」へ",), ["「森」", "へ"]),
    (("スーパー",), ["スー", "パー"]),
    (("森A1",), ["森", "A1"]),
    (("채식주의자", "ko"), ["채식주의자"]),
    (("สี่แผ่นดิน",), ["สี่", "แผ่น", "ดิน"]),
    (("Piranesi",), ["Piranesi"]),
    (("Nỗi",), ["Nỗi"]),
    (("עברית",), ["עברית"]),
]

# Latin text fits exactly as it did before other scripts were considered (values from the previous textFit.ts).
LATIN_TITLES = [
    "The Left Hand of Darkness",
    "Good Omens",
    "Frankenstein; or, The Modern Prometheus",
    "Supercalifragilisticexpialidocious and the Incomprehensibilities",
    "Café Müller: Ünïcödé Ñame — «Ça va?»",
    "by Terry Pratchett and Neil Gaiman",
    "October 2026  ·  5 books  ·  1,256 pages",
]
FIT_SETTINGS: dict[str, dict[str, Any]] = {
    "book title": {
        "font": "display",
        "maxWidth": 920,
        "maxFontSize": 84,
        "minFontSize": 44,
        "maxLines": 6,
        "maxHeight": 280,
        "lineHeight": 1.08,
        "letterSpacingEm": -0.01,
    },
    "authors": {
        "font": "body",
        "maxWidth": 920,
        "maxFontSize": 40,
        "minFontSize": 30,
        "maxLines": 2,
        "lineHeight": 1.25,
    },
    "rated card": {
        "font": "display",
        "maxWidth": 724,
        "maxFontSize": 50,
        "minFontSize": 32,
        "maxLines": 2,
        "lineHeight": 1.1,
    },
    "month": {
        "font": "display",
        "maxWidth": 920,
        "maxFontSize": 220,
        "minFontSize": 64,
        "maxLines": 3,
        "lineHeight": 1.02,
        "letterSpacingEm": -0.02,
    },
    "cover": {
        "font": "display",
        "maxWidth": 288,
        "maxFontSize": 36,
        "minFontSize": 20,
        "maxLines": 5,
        "maxHeight": 216,
        "lineHeight": 1.12,
    },
}
LATIN_FITS = {
    "book title": [[84, 2], [84, 1], [84, 3], [52, 2], [84, 3], [84, 2], [84, 2]],
    "authors": [[40, 1], [40, 1], [40, 1], [40, 2], [40, 1], [40, 1], [40, 1]],
    "rated card": [[50, 1], [50, 1], [50, 2], [40, 2], [50, 2], [50, 2], [50, 2]],
    "month": [[188, 3], [220, 2], [116, 3], [82, 3], [118, 3], [132, 3], [130, 3]],
    "cover": [[36, 2], [36, 1], [36, 4], [36, 5], [36, 4], [36, 3], [36, 3]],
}

KOREAN = "채식주의자 채식주의자 채식주의자"

LONG_TITLES = [
    "色彩を持たない多崎つくると、彼の巡礼の年",
    "三体：黑暗森林，死神永生，地球往事三部曲完结篇",
    "ความสุขของกะทิและเรื่องเล่าจากบ้านริมน้ำเจ้าพระยา",
    "소년이 온다 그리고 작별하지 않는다 흰 채식주의자",
]

# (what is drawn, text style, Han convention) -> the font files ("family/subset") it needs
FACES = [
    ("The Left Hand of Darkness 2026", "display", None, ["Fraunces/latin"]),
    ("by Ursula K. Le Guin", "body", None, ["Inter/latin"]),
    ("Nỗi buồn", "display", None, ["Fraunces/latin", "Fraunces/vietnamese"]),
    ("Война и мир 📚", "display", None, ["Fraunces/latin", "Noto Serif/cyrillic", "Noto Color Emoji/3"]),
    ("Лев Толстой", "body", None, ["Inter/cyrillic", "Inter/latin"]),
    ("סיפור פשוט", "display", None, ["Fraunces/latin", "Noto Serif Hebrew/hebrew"]),
    ("ש״י עגנון", "body", None, ["Inter/latin", "Noto Sans Hebrew/hebrew"]),
    ("☀️", "display", None, ["Noto Color Emoji/7"]),
    ("ፍቅር እስከ መቃብር", "display", None, ["Fraunces/latin"]),
]


BASE_FACES = sorted(f"{family}/{subset}" for family in ("Fraunces", "Inter") for subset in ("latin", "latin-ext"))


def latin_recap_requests() -> list[dict[str, Any]]:
    """Every reader's text of the Latin fixture recaps, in every style the video could draw it with."""
    texts = []
    for name in RECAP_NAMES:
        data = load_recap(name)["data"]
        books = data["books"] + data["currentlyReading"]
        texts += [book["title"] for book in books] + [author for book in books for author in book["authors"]]
        texts += [data["meta"]["monthName"], data["meta"]["monthName"].upper()]
    return [{"text": text, "key": key, "lang": None} for text in texts for key in ("display", "body", "bodyBold")]


def call(fn: str, *args: Any) -> dict[str, Any]:
    return {"fn": fn, "args": list(args)}


def random_titles(count: int) -> list[str]:
    """Titles mixing scripts, marks, astral letters, emoji and spaces at random (always the same ones)."""
    pool = (
        "aZé\u0301\u0302 ВмΒπ"
        + "Վ\u10d5סپ\u05b0\u0651ع"
        + "गि\u094dक्ष\u0981পা"
        + "\u0bcaபสี่\u0e40\u0e48"
        + "ノの森\u3001채"
        + "\U0001d518\U0001f4da\u200d\ufe0f1«»"
    )
    rng = random.Random(14)
    return ["".join(rng.choice(pool) for _ in range(rng.randint(1, 14))) for _ in range(count)]


RANDOM_TITLES = random_titles(300)


def all_calls() -> list[dict[str, Any]]:
    calls = [call("titleInitials", title) for title, _ in INITIALS]
    calls += [call("titleInitials", title) for title in RANDOM_TITLES]
    calls += [call("textDirection", text) for text, _ in DIRECTIONS]
    calls += [call("hanLang", text) for text, _ in HAN_LANGS]
    calls += [call("breakUnits", *args) for args, _ in BREAKS]
    calls += [call("fitText", {"text": text, **FIT_SETTINGS[name]}) for name in FIT_SETTINGS for text in LATIN_TITLES]
    calls += [call("fitText", {"text": text, **FIT_SETTINGS["book title"]}) for text in LONG_TITLES]
    calls += [call("fitText", {"text": text, **FIT_SETTINGS["rated card"]}) for text in LONG_TITLES]
    calls += [call("countLines", "あいうえお、かきくけこ", "display", 100, 530)]
    calls += [call("countLines", KOREAN, "display", 100, 1000, 0, "ko")]
    calls += [call("countLines", KOREAN, "display", 100, 1000, 0, "zh-Hans")]
    calls += [call("facesFor", [{"text": text, "key": key, "lang": lang}]) for text, key, lang, _ in FACES]
    calls += [call("facesFor", latin_recap_requests())]
    calls += [call("facesFor", [{"text": "ノルウェイの森", "key": "display", "lang": "ja"}])]
    calls += [call("facesFor", [{"text": "紅樓夢", "key": "display", "lang": "zh-Hant"}])]
    calls += [call("facesFor", [{"text": "채식주의자", "key": "body", "lang": "ko"}])]
    return calls


@pytest.fixture(scope="module")
def answers() -> dict[str, Any]:
    """Every call above, answered in one run of the evaluator."""
    calls = all_calls()
    answered = run_node_script("text-rules.mjs", calls)
    return {json.dumps(c, sort_keys=True): answer for c, answer in zip(calls, answered, strict=True)}


def answer(answers: dict[str, Any], fn: str, *args: Any) -> Any:
    return answers[json.dumps(call(fn, *args), sort_keys=True)]


class TestTitleInitials:
    @pytest.mark.parametrize(("title", "expected"), INITIALS)
    def test_initials(self, answers: dict[str, Any], title: str, expected: str) -> None:
        """Cover initials: the first character (with its marks) of two significant words, one for CJK and Thai."""
        assert answer(answers, "titleInitials", title) == expected

    def test_never_a_broken_character(self, answers: dict[str, Any]) -> None:
        """For any mix of scripts the initials are whole characters: no lone surrogate, never a mark on its own."""
        for title in RANDOM_TITLES:
            initials = answer(answers, "titleInitials", title)
            initials.encode("utf-8")  # raises on a lone surrogate
            assert initials == "" or unicodedata.category(initials[0]) not in ("Mn", "Mc", "Me"), (title, initials)
            assert len(initials.replace(ZWNJ, "")) <= 12, (title, initials)


class TestTextDirection:
    @pytest.mark.parametrize(("text", "expected"), DIRECTIONS)
    def test_direction(self, answers: dict[str, Any], text: str, expected: str) -> None:
        """The first letter decides the direction, as dir="auto" does; digits and punctuation do not."""
        assert answer(answers, "textDirection", text) == expected


class TestHanLang:
    @pytest.mark.parametrize(("text", "expected"), HAN_LANGS)
    def test_han_convention(self, answers: dict[str, Any], text: str, expected: str | None) -> None:
        """Kana means Japanese, Hangul Korean, other Han text Chinese (Traditional by its characters)."""
        assert answer(answers, "hanLang", text) == expected


class TestLineBreaks:
    @pytest.mark.parametrize(("args", "expected"), BREAKS)
    def test_break_units(self, answers: dict[str, Any], args: tuple[Any, ...], expected: list[str]) -> None:
        """Lines break between CJK characters (never before closing marks or small kana), between Thai words,
        and only at spaces in Korean and alphabetic scripts."""
        assert answer(answers, "breakUnits", *args) == expected

    def test_kinsoku_costs_a_line(self, answers: dict[str, Any]) -> None:
        """Five characters fit a line, but "、" may not start one: the estimate counts the line that costs."""
        assert answer(answers, "countLines", "あいうえお、かきくけこ", "display", 100, 530) == 3

    def test_korean_keeps_its_words(self, answers: dict[str, Any]) -> None:
        """Korean breaks only at spaces (keep-all): three words that two lines hold when broken between any two
        syllables take three."""
        assert answer(answers, "countLines", KOREAN, "display", 100, 1000, 0, "ko") == 3
        assert answer(answers, "countLines", KOREAN, "display", 100, 1000, 0, "zh-Hans") == 2


class TestFitText:
    @pytest.mark.parametrize("name", sorted(FIT_SETTINGS))
    def test_latin_fits_as_before(self, answers: dict[str, Any], name: str) -> None:
        """Latin titles get the same size and line count as before other scripts were supported."""
        fits = [answer(answers, "fitText", {"text": text, **FIT_SETTINGS[name]}) for text in LATIN_TITLES]
        assert [[fit["fontSize"], fit["lines"]] for fit in fits] == LATIN_FITS[name]

    @pytest.mark.parametrize("text", LONG_TITLES)
    @pytest.mark.parametrize("name", ["book title", "rated card"])
    def test_long_titles_without_spaces_fit(self, answers: dict[str, Any], text: str, name: str) -> None:
        """A long title in a script without spaces wraps at its break opportunities within the allowed lines,
        above the minimum size: it is not treated as one unbreakable word."""
        settings = FIT_SETTINGS[name]
        fit = answer(answers, "fitText", {"text": text, **settings})
        assert fit["lines"] >= 2
        assert fit["lines"] <= settings["maxLines"]
        assert fit["lines"] * fit["fontSize"] * settings["lineHeight"] <= settings.get("maxHeight", 10**9)
        assert fit["fontSize"] > settings["minFontSize"]


class TestFacesFor:
    @pytest.mark.parametrize(("text", "key", "lang", "expected"), FACES)
    def test_faces(self, answers: dict[str, Any], text: str, key: str, lang: str | None, expected: list[str]) -> None:
        """A text loads the faces of the first family in its stack that draws each character, and nothing else:
        Latin needs only the design's Latin faces, digits never the emoji font, an uncovered script nothing."""
        assert sorted(answer(answers, "facesFor", [{"text": text, "key": key, "lang": lang}])) == sorted(expected)

    def test_a_latin_recap_needs_only_the_design_faces(self, answers: dict[str, Any]) -> None:
        """The sample recaps' titles, authors and month names need no file beyond Inter's and Fraunces' Latin ones."""
        assert set(answer(answers, "facesFor", latin_recap_requests())) <= set(BASE_FACES)

    @pytest.mark.parametrize(
        ("text", "key", "lang", "family"),
        [
            ("ノルウェイの森", "display", "ja", "Noto Sans JP"),
            ("紅樓夢", "display", "zh-Hant", "Noto Sans TC"),
            ("채식주의자", "body", "ko", "Noto Sans KR"),
        ],
    )
    def test_cjk_text_loads_one_cjk_font(
        self, answers: dict[str, Any], text: str, key: str, lang: str, family: str
    ) -> None:
        """CJK text loads slices of the font of its convention only, a few of them, not the whole font."""
        faces = answer(answers, "facesFor", [{"text": text, "key": key, "lang": lang}])
        assert {face.split("/")[0] for face in faces} == {family}
        assert 1 <= len(faces) <= len(text)


class TestFontRegistry:
    def test_generated_faces_match_the_packages(self) -> None:
        """src/fonts/faces.generated.ts is what the installed font packages give (regenerate after an upgrade)."""
        result = subprocess.run(
            ["node", str(REMOTION / "src" / "fonts" / "generate-faces.mjs"), "--check"],
            capture_output=True,
            text=True,
            cwd=REMOTION,
            timeout=120,
        )
        assert result.returncode == 0, result.stderr
