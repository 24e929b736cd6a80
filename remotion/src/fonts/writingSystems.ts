/**
 * What the video needs to know about a reader's text before laying it out: its direction, the Chinese/Japanese/
 * Korean convention its Han characters follow, and its user-perceived characters (graphemes). Titles and names
 * arrive without language tags, so everything here is inferred from the characters themselves, deliberately
 * simply: the first strong letter decides the direction (as dir="auto" does), kana means Japanese, Hangul means
 * Korean, and other Han text is Chinese, Traditional when it uses one of a list of common characters that
 * Simplified Chinese writes differently. A wrong guess only changes glyph shapes or alignment, never coverage.
 */

export type TextDirection = 'ltr' | 'rtl';

/** How Han characters should look: the font order and the `lang` attribute follow it. */
export type HanLang = 'ja' | 'ko' | 'zh-Hans' | 'zh-Hant';

const LETTER = /\p{L}/u;
const RTL_LETTER = /[\p{Script=Hebrew}\p{Script=Arabic}\p{Script=Syriac}\p{Script=Thaana}\p{Script=Nko}\p{Script=Samaritan}\p{Script=Mandaic}\p{Script=Adlam}]/u;
const KANA = /[\p{Script=Hiragana}\p{Script=Katakana}]/u;
const HANGUL = /\p{Script=Hangul}/u;
const HAN = /\p{Script=Han}/u;

/**
 * Common characters whose Simplified form is a different code point (們/们, 個/个, 這/这, ...): their presence marks
 * Traditional Chinese. Characters shared by both standards say nothing and default to Simplified.
 */
const TRADITIONAL_ONLY = new Set(
  Array.from(
    '們個這來說為會國學時長門問間關與無點電東車馬書語體麼裡處實聽讀愛經頭現見歲兒後開發對過還進動員機場當從種將應該' +
      '樓夢紅紀記話讓變覺氣題風飛麗黃龍歡戰歷團圖園買賣聲條號滅殺鄉陽傳滿雙雲葉華藝術島劍俠鳥魚驚憶戀熱邊遠連' +
      '極樂萬鐘錢銀鐵門閃顏類願顧驗騎鬥魯鴉麥黨齊齒龜歐氣漢溫灣濤爺獨獄環畫異療盡監盤眾碼礦禮穩窮筆節範築簡' +
      '糧納純紙級細終組結給絕統絲綠緊線練總織繩罰羅義習聖職腦臉臺興舊艦莊華萬蘇藍處號蟲補裝複覽觀訂計討訓' +
      '記設許詩試誠誤請諸謝識護讀變貓貝負財貨貴費資賊賞賴趙跡踐輕輪辦農這進運過達違選遺還邊鄰醫釋鋼錄錯鎮鏡' +
      '長門閉開間陳陸隊階隨險隱雜離雞難電韓頁順須頭題願類風飛館驗體髮鬆鬧鮮鳳鴻麵黃點齊',
  ),
);

/** 'rtl' when the first letter belongs to a right-to-left script (the rule of dir="auto"), else 'ltr'. */
export function textDirection(text: string): TextDirection {
  for (const char of text) {
    if (LETTER.test(char)) {
      return RTL_LETTER.test(char) ? 'rtl' : 'ltr';
    }
  }
  return 'ltr';
}

/** The convention the text's Han characters follow, or null when it has no CJK characters at all. */
export function hanLang(text: string): HanLang | null {
  if (KANA.test(text)) {
    return 'ja';
  }
  if (HANGUL.test(text)) {
    return 'ko';
  }
  if (!HAN.test(text)) {
    return null;
  }
  for (const char of text) {
    if (TRADITIONAL_ONLY.has(char)) {
      return 'zh-Hant';
    }
  }
  return 'zh-Hans';
}

let graphemeSegmenter: Intl.Segmenter | null = null;

/** The text's user-perceived characters: a base with its marks, a conjunct, an emoji sequence stay whole. */
export function graphemes(text: string): string[] {
  graphemeSegmenter ??= new Intl.Segmenter(undefined, {granularity: 'grapheme'});
  return Array.from(graphemeSegmenter.segment(text), (part) => part.segment);
}

/** Han, kana, Hangul, and CJK punctuation: full-width characters that each stand alone in a line. */
export const WIDE = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\p{Script=Bopomofo}\u3000-\u303F\uFF01-\uFF60\uFFE0-\uFFE6]/u;

/** Scripts written without spaces between words, whose line breaks come from a dictionary. */
export const DICTIONARY_BROKEN = /[\p{Script=Thai}\p{Script=Lao}\p{Script=Khmer}\p{Script=Myanmar}]/u;
