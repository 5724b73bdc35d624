"""Make the PDF's Chinese text copy and search as the characters it shows.

Noto Sans CJK draws 工 (U+5DE5) and the Kangxi radical ⼯ (U+2F2F) with one
glyph. Chromium's PDF writer maps each glyph back to the lowest code point
that uses it, so copying 工作 out of the PDF gives ⼯作, which looks the same
but matches no search. Rewriting each font's ToUnicode map from radical to
ordinary character fixes copy, search and text extraction.
"""

from __future__ import annotations

import io
import re
import unicodedata
import zlib

from oversight.briefing.pdf_update import IndirectObject, append_update, quiet_pypdf

# Kangxi Radicals and CJK Radicals Supplement: the blocks whose glyphs Noto shares with ordinary characters.
_RADICALS = re.compile("[\u2e80-\u2eff\u2f00-\u2fdf]")
# Radical, then the ordinary character drawn with the same glyph, read from the cmaps of Debian's
# fonts-noto-cjk (Sans Regular/Bold, Serif Regular; the SC faces). NFKC alone is not enough: it has no
# mapping for the simplified radicals (⻅ 见, ⻓ 长, ⻛ 风, ⺠ 民 …) and maps ⼾ to the traditional 戶.
_SAME_GLYPH_PAIRS = (
    "⺂乛⺃乚⺅亻⺇𠘨⺉刂⺋㔾⺍𭕄⺎兀⺏尣⺐尢⺒巳⺓幺⺔彑⺕彐⺖忄⺘扌⺙攵⺛旡⺞歺⺟母⺠民⺡氵⺣灬⺤爫⺦丬⺨犭⺩𤣩⺫罒⺭礻⺮𥫗"
    "⺯糹⺰纟⺱罓⺲罒⺳㓁⺹耂⺺肀⺽𦥑⺾艹⺿艹⻀艹⻁虎⻂衤⻃覀⻅见⻆角⻇𧢲⻈讠⻉贝⻊𧾷⻋车⻌辶⻐钅⻑長⻒镸⻓长⻔门⻕𨸏⻖阝⻘青"
    "⻙韦⻚页⻛风⻜飞⻝食⻞𩙿⻟飠⻠饣⻡𩠐⻢马⻣骨⻤鬼⻥鱼⻦鸟⻧卤⻨麦⻩黄⻪黾⻫斉⻬齐⻮齿⻯竜⻰龙⻱龜⻲亀⻳龟⼀一⼁丨⼂丶⼃丿"
    "⼄乙⼅亅⼆二⼇亠⼈人⼉儿⼊入⼋八⼌冂⼍冖⼎冫⼏几⼐凵⼑刀⼒力⼓勹⼔匕⼕匚⼖匸⼗十⼘卜⼙卩⼚厂⼛厶⼜又⼝口⼞囗⼟土⼠士⼡夂"
    "⼢夊⼣夕⼤大⼥女⼦子⼧宀⼨寸⼩小⼪尢⼫尸⼬屮⼭山⼮巛⼯工⼰己⼱巾⼲干⼳幺⼴广⼵廴⼶廾⼷弋⼸弓⼺彡⼻彳⼼心⼽戈⼾户⼿手⽀支"
    "⽁攴⽂文⽃斗⽄斤⽅方⽆无⽇日⽈曰⽉月⽊木⽋欠⽌止⽍歹⽎殳⽏毋⽐比⽑毛⽒氏⽓气⽔水⽕火⽖爪⽗父⽘爻⽙爿⽚片⽛牙⽜牛⽝犬⽞玄"
    "⽟玉⽠瓜⽡瓦⽢甘⽣生⽤用⽥田⽦疋⽧疒⽨癶⽩白⽪皮⽫皿⽬目⽭矛⽮矢⽯石⽰示⽱禸⽲禾⽳穴⽴立⽵竹⽶米⽷糸⽸缶⽹网⽺羊⽻羽⽼老"
    "⽽而⽾耒⽿耳⾀聿⾁肉⾂臣⾃自⾄至⾅臼⾆舌⾇舛⾈舟⾉艮⾊色⾋艸⾌虍⾍虫⾎血⾏行⾐衣⾑襾⾒見⾔言⾕谷⾖豆⾗豕⾘豸⾙貝⾚赤⾛走"
    "⾜足⾝身⾞車⾟辛⾠辰⾡辵⾢邑⾣酉⾤釆⾥里⾦金⾧長⾨門⾩阜⾪隶⾫隹⾬雨⾭靑⾮非⾯面⾰革⾱韋⾲韭⾳音⾴頁⾵風⾶飛⾷食⾸首⾹香"
    "⾺馬⾼高⾽髟⾾鬥⾿鬯⿀鬲⿁鬼⿂魚⿃鳥⿄鹵⿅鹿⿆麥⿇麻⿈黃⿉黍⿊黑⿋黹⿌黽⿍鼎⿎鼓⿏鼠⿐鼻⿑齊⿒齒⿓龍⿕龠"
)
_ORDINARY = {radical: ordinary for radical, ordinary in zip(_SAME_GLYPH_PAIRS[::2], _SAME_GLYPH_PAIRS[1::2])}


def ordinary_text(text: str) -> str:
    """``text`` with every radical replaced by the ordinary character it looks like."""
    return _RADICALS.sub(lambda match: _ORDINARY.get(match.group(), unicodedata.normalize("NFKC", match.group())), text)


_BFCHAR = re.compile(rb"beginbfchar(.*?)endbfchar", re.S)
_BFRANGE = re.compile(rb"beginbfrange(.*?)endbfrange", re.S)
_HEX = re.compile(rb"<([0-9A-Fa-f]+)>")
_RANGE_ENTRY = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*(<[0-9A-Fa-f]+>|\[[^\]]*\])")
_BLOCK = 100  # a CMap block may hold at most 100 entries


def _decode(hex_text: bytes) -> str:
    return bytes.fromhex(hex_text.decode()).decode("utf-16-be", "surrogatepass")


def _encode(text: str) -> str:
    return text.encode("utf-16-be", "surrogatepass").hex().upper()


def _mappings(cmap: bytes) -> tuple[list[tuple[bytes, str]], int]:
    """(source code as hex, unicode text) pairs from bfchar and bfrange, and the source code width in hex digits."""
    pairs: list[tuple[bytes, str]] = []
    for block in _BFCHAR.findall(cmap):
        codes = _HEX.findall(block)
        pairs += [(source, _decode(target)) for source, target in zip(codes[::2], codes[1::2])]
    for block in _BFRANGE.findall(cmap):
        for low, high, target in _RANGE_ENTRY.findall(block):
            width, start, end = len(low), int(low, 16), int(high, 16)
            if target.startswith(b"["):
                targets = [_decode(code) for code in _HEX.findall(target)]
            else:
                first = _decode(target[1:-1])
                targets = [first[:-1] + chr(ord(first[-1]) + offset) for offset in range(end - start + 1)]
            pairs += [(f"{start + offset:0{width}X}".encode(), text) for offset, text in enumerate(targets)]
    width = len(pairs[0][0]) if pairs else 2
    return pairs, width


def normalised_cmap(cmap: bytes) -> bytes | None:
    """The CMap with radicals mapped to ordinary characters, or None when it has none (left as written)."""
    pairs, _ = _mappings(cmap)
    if not any(_RADICALS.search(text) for _, text in pairs):
        return None
    entries = [f"<{source.decode()}> <{_encode(ordinary_text(text))}>" for source, text in pairs]
    blocks = "\n".join(
        f"{len(chunk)} beginbfchar\n" + "\n".join(chunk) + "\nendbfchar"
        for chunk in (entries[i : i + _BLOCK] for i in range(0, len(entries), _BLOCK))
    )
    head = cmap[: cmap.find(b"endcodespacerange") + len(b"endcodespacerange")]
    tail = cmap[cmap.find(b"endcmap") :]
    return head + b"\n" + blocks.encode() + b"\n" + tail


def fix_cjk_text_mapping(pdf: bytes) -> bytes:
    """The PDF with every font's ToUnicode map normalised; unchanged if pypdf is not installed.

    The new maps are appended as an incremental update (PDF 1.4, section 3.4.5): the printed bytes stay as
    they are, and only the few changed streams are written. Rewriting the whole file with pypdf cost 0.3 s
    for the Overview's pack and twice that for every chart's, most of it parsing the tagged PDF's structure."""
    try:
        from pypdf import PdfReader
    except ImportError:  # the fix improves copy and search; the PDF reads the same without it
        return pdf
    with quiet_pypdf():
        reader = PdfReader(io.BytesIO(pdf))
        fixed = _fixed_cmaps(pdf, reader)
        return append_update(
            pdf, {key: (b"/Filter /FlateDecode", zlib.compress(cmap)) for key, cmap in fixed.items()}, reader.trailer
        )


# Chromium writes each font's map as an object of its own, referenced from the font's dictionary.
_TO_UNICODE = re.compile(rb"/ToUnicode\s+(\d+)\s+(\d+)\s+R")


def _fixed_cmaps(pdf: bytes, reader) -> dict[IndirectObject, bytes]:  # noqa: ANN001 — a pypdf PdfReader
    """(object number, generation) → the normalised CMap, for each ToUnicode stream that has radicals.

    The references are found in the file's bytes rather than by walking pages and fonts: reading the
    page tree of a tagged PDF with pypdf cost more than the rest of the fix."""
    from pypdf.generic import IndirectObject as PdfReference
    from pypdf.generic import StreamObject

    fixed: dict[IndirectObject, bytes] = {}
    for key in dict.fromkeys((int(number), int(generation)) for number, generation in _TO_UNICODE.findall(pdf)):
        stream = PdfReference(*key, reader).get_object()
        if not isinstance(stream, StreamObject):
            continue  # the bytes of an image or a font that happened to read like a reference
        cmap = normalised_cmap(stream.get_data())
        if cmap is not None:
            fixed[IndirectObject(*key)] = cmap
    return fixed
