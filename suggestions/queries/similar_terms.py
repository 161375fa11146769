"""The terms of a text, as the similar-suggestion hint reads it (``similar``).

Every two-character piece of the width-folded, upper-cased text (``search.normalize``) inside a run
of word characters, after administrative boilerplate (``STOP_WORDS``: 关于, 建议, 加快, 推进, 进一步 …)
has been cut out, so that 《关于加快推进老旧小区改造的建议》 is about 老旧, 旧小, 小区, 区改, 改造 only;
``features`` adds each of their characters, and ``concepts`` the subjects of the thesaurus
(``similar_thesaurus``) the text's words name.
"""

import itertools
import math
import operator
import re
from collections import defaultdict

from suggestions.queries import search
from suggestions.queries.similar_thesaurus import BROADER, CONCEPTS

# Administrative boilerplate: present in nearly every suggestion, says nothing of its subject.
STOP_WORDS = (
    "关于",
    "建议",
    "加快",
    "推进",
    "进一步",
    "加强",
    "加大",
    "力度",
    "完善",
    "提高",
    "提升",
    "推动",
    "促进",
    "落实",
    "实施",
    "开展",
    "解决",
    "问题",
    "工作",
    "有关",
    "相关",
    "进行",
    "部门",
    "政府",
    "群众",
    "目前",
    "存在",
    "希望",
    "要求",
    "请求",
    "尽快",
    "切实",
    "积极",
    "我区",
    "全区",
    "建设",
    "情况",
    "方面",
    "措施",
    "机制",
    "体系",
    "水平",
    "保障",
    "重视",
    "支持",
    "办法",
    "根据",
    "通过",
    "以及",
    "同时",
    "其中",
    "一些",
    "部分",
    "我们",
    "由于",
    "因此",
    "导致",
    "造成",
    "可以",
    "能够",
    "应当",
    "需要",
    "建立",
    "健全",
    "实现",
    "有效",
    "明显",
    "严重",
    "不断",
    "认真",
    "及时",
    "全面",
    "持续",
    "优化",
    "规范",
    "统筹",
    "协调",
    "研究",
    "相应",
    "对策",
    "现状",
    "代表",
    "人大",
    "进一步",
    "整治",
    "治理",
    "改造",
    "增设",
    "增加",
    "新建",
    "设置",
    "设立",
    "开通",
    "发展",
    "扶持",
    "规划",
    "提供",
    "组织",
    "引导",
    "鼓励",
    "配套",
    "设施",
    "周边",
    "管理",
    "服务",
    "推行",
    "推广",
    "督促",
    "明确",
    "制定",
    "出台",
    "给予",
    "部分",
    "不少",
    "很多",
    "多数",
    "一是",
    "二是",
    "三是",
    "四是",
)


def _trie_pattern(words):
    """One alternation per first character (Python's re tries every branch of a flat one at each position)."""
    by_first = defaultdict(set)
    for word in words:
        by_first[word[0]].add(word[1:])
    parts = []
    for first, rests in sorted(by_first.items()):
        tails = sorted(rests, key=len, reverse=True)
        parts.append(re.escape(first) + "(?:" + "|".join(map(re.escape, tails)) + ")")
    return "|".join(parts)


_STOP = re.compile(_trie_pattern(set(STOP_WORDS)))
# Characters that width folding or upper-casing changes (ASCII letters, full-width forms).
_FOLDED = re.compile(r"[a-z\u3000\uff01-\uffef]")
# Runs of word characters; particles that join words are breaks too.
_BREAK = re.compile(r"[\W_的了和与及或等之]+")


def fold(text):
    """The text width-folded and upper-cased (``search.normalize``), as every reading here takes it; a text
    already folded comes back as it is, so that ``vector`` folds each text once for its words and concepts."""
    text = text or ""
    if _FOLDED.search(text):
        text = search.normalize(text).upper()
    return text


def _runs(text):
    return _BREAK.split(_STOP.sub(" ", fold(text)))


def terms(text):
    """The terms of a text (its bigrams), in order, with repeats: what retrieves candidates."""
    found = []
    for run in _runs(text):
        found.extend(map(operator.add, run, run[1:]))
    return found


def features(text):
    """What a text is scored on: its ``terms`` and each of their characters (weighing ``UNIGRAM_WEIGHT``)."""
    found = []
    for run in _runs(text):
        found.extend(map(operator.add, run, run[1:]))
        found.extend(run)
    return found


# A concept feature: never a term (terms are one or two word characters).
CONCEPT_PREFIX = "#"
BROADER_PREFIX = CONCEPT_PREFIX + "^"
# Thesaurus term -> the concept features it stands for.
THESAURUS = defaultdict(list)
_BROADER = defaultdict(list)
for _broad, _narrow in BROADER.items():
    for _concept in _narrow.split():
        _BROADER[_concept].append(BROADER_PREFIX + _broad)
for _concept, _words in CONCEPTS.items():
    for _word in _words.split():
        THESAURUS[_word.upper()].append(CONCEPT_PREFIX + _concept)
        THESAURUS[_word.upper()].extend(_BROADER[_concept])
# First two characters of a thesaurus word -> the words starting with them, longest first.
_STARTS = defaultdict(list)
for _word in sorted(THESAURUS, key=len, reverse=True):
    _STARTS[_word[:2]].append(_word)


def concepts(text):
    """The concepts the text's thesaurus words name, once per word (with repeats), e.g. 泊位, 车库 -> ``#parking``
    (and the broader ``#^transport``).

    Forward maximum matching on the whole text (boilerplate included): at each two-character piece
    that begins a thesaurus word, the longest word there is read and the text goes on after it.
    (A regular expression of a thousand words tries each at every character: 3× slower.)
    """
    text = fold(text)
    # Per piece, the words starting with it (or None), in C; only the pieces that start a word are visited.
    looked = list(map(_STARTS.get, map(operator.add, text, text[1:])))
    found, end = [], 0
    for at in itertools.compress(range(len(looked)), looked):
        if at >= end:
            for word in looked[at]:
                if text.startswith(word, at):
                    found.extend(THESAURUS[word])
                    end = at + len(word)
                    break
    return found


def word_characters(text):
    """The text's word characters, width-folded, without the breaks between words (stop words kept)."""
    return "".join(_BREAK.split(search.normalize(text or "")))


CONCEPT_WORDS = defaultdict(list)  # concept feature -> its thesaurus words
for _word, _concepts in THESAURUS.items():
    for _concept in _concepts:
        CONCEPT_WORDS[_concept].append(_word)


def word_share(word, frequencies):
    """A thesaurus word's share of suggestions, at most its rarest bigram's (0: a bigram not listed)."""
    return min(frequencies.get(word[i : i + 2], 0.0) for i in range(len(word) - 1))


def rarest_piece(word, frequencies):
    """What retrieves a thesaurus word: its rarest bigram (an unlisted one first). The bigram index
    would read the whole list of every piece of a longer word (设施 in 照明设施); the scoring checks the word."""
    pieces = [word[i : i + 2] for i in range(len(word) - 1)]
    return min(pieces, key=lambda piece: (frequencies.get(piece, 0.0), pieces.index(piece)))


_subjects = {}  # id of a statistics dict -> (that dict, {concept feature: estimated share})


def concept_shares(frequencies, floor):
    """{concept feature: estimated share of suggestions naming it}, from the bigram shares PostgreSQL keeps.

    Each word is taken as common as its rarest bigram (an unlisted bigram: as rare as none). The
    concept's share is at least its commonest word's, and at most about ``1 - Π(1 - share)`` over its
    words (as ``similar.character_shares``: words taken as independent, which they are not, a text on the
    subject using several): the geometric mean of the two, at least ``floor``. On the labelled set
    this is mostly within 2× of the true count (0.9–3×), where the independent estimate was 1.2–6× too high.
    """
    cached = _subjects.get(id(frequencies))
    if cached and cached[0] is frequencies:
        return cached[1]
    shares = {}
    for concept, words in CONCEPT_WORDS.items():
        missing, most = 1.0, 0.0
        for word in words:
            share = min(word_share(word, frequencies), 0.999)
            missing *= 1.0 - share
            most = max(most, share)
        shares[concept] = max(math.sqrt(most * (1.0 - missing)), floor)
    _subjects.clear()
    _subjects[id(frequencies)] = (frequencies, shares)
    return shares
