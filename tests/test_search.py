"""Chinese search: the bigram index finds exactly what ILIKE '%term%' finds, and is used."""

import pytest
from django.db import connection
from django.db.models import F

from suggestions.models import Assignment, Suggestion
from suggestions.queries.search import BigramMatch, apply_text_search, normalize, search_terms, uses_bigram_index

from . import factories

pytestmark = pytest.mark.django_db

SAMPLE = [
    ("关于老旧小区改造的建议", "花溪街道老旧小区管网老化，雨季积水。"),
    ("关于加快推进9855厂家属区老旧小区改造的建议", "9855厂家属区共有住宅楼28栋。"),
    ("老旧，小区：分开写", "标题里两个词被标点隔开：老旧、小区。"),
    ("小区小区小区", "重复的字：哈哈哈哈，啊啊。"),
    ("增设5G基站的建议", "青岩镇5g信号弱，建议增设5G基站和Wi-Fi热点。"),
    ("关于公交线路调整的建议", "建议增开至青岩古镇的公交线路，缓解停车难问题。"),
    ("关于停车难的建议", "老旧小区停车难，建议利用边角地建设停车场。"),
    ("换行", "老旧\n小区的管网"),
    ("English title ABC", "body with O'Brien and back\\slash and 100% sure"),
    ("旧小区", "短标题"),
    ("教育", "学校周边交通安全：上下学时段拥堵。"),
    ("通配符", "写作小区_改%的一行，和小区A改B，后者不含该词。"),
]

TERMS = [
    "小区",  # 2 characters, common
    "老旧小区",  # 4 characters
    "旧小区",  # spans punctuation in one row (must not match there)
    "老旧小区改造",
    "小区小区",  # repeated characters
    "哈哈哈",
    "啊啊啊",  # only two in the text: no match
    "5G基站",  # mixed Latin/digit/Chinese, case-insensitive
    "5g基站",
    "g信号",
    "g基",  # two characters, one of them with case: the bigram (upper-cased) is still exact
    "区改",
    "：老",  # punctuation inside a term
    "青岩",
    "停车难",
    "旧\n小",  # never a search term after splitting, but the index must still be exact
    "O'Brien",  # no Chinese: falls back to icontains
    "100%",
    "小区_改%",  # LIKE wildcards in a Chinese term: STRPOS reads them as text
    "back\\slash",
    "区",  # one character: falls back
    "9855",
    "不存在的词语",
]


@pytest.fixture
def sample(session, delegate):
    category = factories.CategoryFactory()
    return [
        Suggestion.objects.create(session=session, title=t, body=b, category=category, lead_delegate=delegate)
        for t, b in SAMPLE
    ]


def ilike_ids(term, columns=("title", "body")):
    where = " OR ".join(f"{c} ILIKE %s" for c in columns)
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM suggestions_suggestion WHERE {where}", [f"%{escaped}%"] * len(columns))  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


def search_ids(term, **kwargs):
    # A single term straight through the index path (search_terms would split on whitespace).
    qs = Suggestion.objects.all()
    from django.db.models import F, Q

    from suggestions.queries.search import BigramMatch

    if uses_bigram_index(term):
        qs = qs.filter(BigramMatch(F("title"), F("body"), term))
    return set(qs.filter(Q(title__icontains=term) | Q(body__icontains=term)).values_list("pk", flat=True))


@pytest.mark.parametrize("term", TERMS)
def test_bigram_search_finds_exactly_what_ilike_finds(sample, term):
    assert search_ids(term) == ilike_ids(term)


@pytest.mark.parametrize("term", [t for t in TERMS if search_terms(t) == [t]])
def test_apply_text_search_equals_ilike(sample, term):
    found = set(apply_text_search(Suggestion.objects.all(), term).values_list("pk", flat=True))
    expected = ilike_ids(term)
    if term.isdigit():
        expected |= set(Suggestion.objects.filter(number=int(term)).values_list("pk", flat=True))
    assert found == expected


def test_expected_matches_of_tricky_terms(sample):
    titles = lambda ids: {s.title for s in Suggestion.objects.filter(pk__in=ids)}  # noqa: E731
    assert "老旧，小区：分开写" not in titles(search_ids("旧小区"))
    assert titles(search_ids("5g基站")) == {"增设5G基站的建议"}
    assert titles(search_ids("啊啊啊")) == set()
    assert "小区小区小区" in titles(search_ids("小区小区"))


def test_several_terms_must_all_appear(sample):
    found = apply_text_search(Suggestion.objects.all(), "老旧小区 停车难")
    assert {s.title for s in found} == {"关于停车难的建议"}


def test_search_through_a_relation_uses_the_same_index(sample, staff, office):
    suggestion = sample[0]
    Assignment.objects.create(
        suggestion=suggestion, office=office, role=Assignment.Role.LEAD, return_by="2026-01-10", due_date="2026-04-01"
    )
    qs = apply_text_search(Assignment.objects.all(), "老旧小区", fields=("suggestion__title", "suggestion__body"))
    assert "search_bigrams" in str(qs.query)
    assert list(qs) == list(Assignment.objects.filter(suggestion=suggestion))


def test_other_fields_fall_back_to_icontains(sample):
    qs = apply_text_search(Suggestion.objects.all(), "老旧小区", fields=("status_reason",))
    assert "search_bigrams" not in str(qs.query)
    assert qs.count() == 0


def test_two_character_terms_need_no_recheck_but_longer_ones_do(sample):
    two = str(apply_text_search(Suggestion.objects.all(), "小区").query)
    four = str(apply_text_search(Suggestion.objects.all(), "老旧小区").query)
    assert "search_bigrams" in two and "LIKE" not in two and "STRPOS" not in two
    # Caseless: the bigram match is checked with the case-sensitive STRPOS, not LIKE or UPPER.
    assert "search_bigrams" in four and "STRPOS" in four and "LIKE" not in four and "UPPER" not in four
    # A term with a Latin letter or digit matches it in either width and case: a regular expression.
    assert "~*" in str(apply_text_search(Suggestion.objects.all(), "5g基站").query)
    assert "STRPOS" not in str(apply_text_search(Suggestion.objects.all(), "区").query)  # no index: LIKE


def test_only_chinese_terms_of_two_characters_or_more_use_the_index():
    assert uses_bigram_index("小区")
    assert uses_bigram_index("5G基站")
    assert not uses_bigram_index("区")
    assert not uses_bigram_index("Wi-Fi")
    assert not uses_bigram_index("9855")


def _plan_without_seqscan(qs):
    """EXPLAIN of ``qs`` with sequential scans off (a sample this small would otherwise read the table)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = qs.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_planner_uses_the_bigram_index(sample):
    # Either bigram index: the composite one of migration 0026 (congress, bigrams) answers a condition on its
    # second column alone as well (a GIN index reads any subset of its columns alike).
    plan = _plan_without_seqscan(apply_text_search(Suggestion.objects.all(), "老旧小区").order_by())
    assert "sugg_text_bigrams" in plan or "sugg_congress_text_bigrams" in plan, plan


def test_no_plan_computes_the_bigrams_of_a_row_it_reads(sample, office):
    """The stored column is tested, never ``huaxi_bigrams(body)`` per row (0.6 ms each on real bodies)."""
    from django.db import connection

    from suggestions.queries import public_list

    queries = [
        apply_text_search(Suggestion.objects.filter(session=sample[0].session, category=sample[0].category), "小区"),
        apply_text_search(public_list.with_office(Suggestion.objects.all(), office), "老旧小区"),
    ]
    for qs in queries:
        sql, params = qs.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + sql, params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert "search_bigrams" in plan and "huaxi_bigrams(" not in plan, plan
    from django.db.models.expressions import RawSQL

    written = Suggestion.objects.filter(pk=sample[0].pk).values_list(RawSQL("search_bigrams::text", []), flat=True)
    assert "'老旧'" in written[0]  # computed by PostgreSQL when the suggestion was saved


def test_long_bodies_and_their_bigrams_are_stored_with_lz4(session, delegate):
    """Migration 0012: the text a longer search term checks decompresses twice as fast as with pglz."""
    body = "".join(f"第{i}条：花溪区老旧小区管网改造和停车难问题。" for i in range(400))
    s = Suggestion.objects.create(
        session=session, title="长正文", body=body, category=factories.CategoryFactory(), lead_delegate=delegate
    )
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_column_compression(body) FROM suggestions_suggestion WHERE id = %s", [s.pk])
        assert cursor.fetchone() == ("lz4",)
        cursor.execute(
            "SELECT attname, attcompression FROM pg_attribute WHERE attrelid = 'suggestions_suggestion'::regclass "
            "AND attname IN ('body', 'search_bigrams')"
        )
        assert dict(cursor.fetchall()) == {"body": "l", "search_bigrams": "l"}
    assert set(apply_text_search(Suggestion.objects.all(), "管网改造").values_list("pk", flat=True)) == {s.pk}


def test_public_searches_read_the_public_versions_through_the_index_of_published_suggestions_only(sample):
    """Migration 0014: the public list's search reads the reviewed public versions of published suggestions only
    (their own bigram column and partial index), never the text as the delegate wrote it."""
    from django.db.models import F

    from suggestions.queries import selectors

    Suggestion.objects.filter(pk__in=[s.pk for s in sample[:3]]).update(
        is_published=True, status=Suggestion.Status.CLOSED, public_title=F("title"), public_body=F("body")
    )
    # Published, but its public version leaves the term out: the public search must not find it.
    Suggestion.objects.filter(pk=sample[1].pk).update(public_title="关于厂区改造的建议", public_body="已隐去。")
    fields = ("public_title", "public_body")
    qs = apply_text_search(selectors.public_suggestions(), "老旧小区", fields=fields).order_by()
    assert '"public_bigrams" @@' in str(qs.query) and '"search_bigrams"' not in str(qs.query)
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'sugg_public_text_bigrams'")
        # Its pending list kept small (migration 0033) beside the predicate.
        indexdef = cursor.fetchone()[0].replace(" WITH (gin_pending_list_limit='64')", "")
        assert "gin (public_bigrams) WHERE is_published" in indexdef
        # On a table this small the planner may as well read every published row through sugg_published or
        # sugg_congress_published; without them (dropped inside this test's transaction, so rolled back) the
        # partial bigram index answers.
        cursor.execute("DROP INDEX sugg_published")
        cursor.execute("DROP INDEX sugg_congress_published")
        cursor.execute("ANALYZE suggestions_suggestion")
    # Either partial bigram index of the published rows (alone, or with the congress first: costed alike here).
    plan = _plan_without_seqscan(qs)
    assert "sugg_public_text_bigrams" in plan or "sugg_congress_public_bigrams" in plan, plan
    assert set(qs.values_list("pk", flat=True)) == {sample[0].pk}
    two = apply_text_search(selectors.public_suggestions(), "小区", fields=fields).order_by()
    assert set(two.values_list("pk", flat=True)) == {sample[0].pk, sample[2].pk}
    # The staff search still reads what the delegate wrote.
    staff = apply_text_search(selectors.public_suggestions(), "老旧小区").order_by()
    assert set(staff.values_list("pk", flat=True)) == {sample[0].pk, sample[1].pk}


def test_a_longer_term_goes_through_its_rarest_piece(monkeypatch):
    """One piece in the index filter keeps PostgreSQL's estimate close; the rarest keeps it tightest."""
    from suggestions.queries import search

    frequencies = {"老旧": 0.05, "旧小": 0.01, "小区": 0.2, "5G": 0.3}
    monkeypatch.setattr(search, "bigram_frequencies", lambda connection: frequencies)
    assert search.rarest_piece("老旧小区", connection) == "旧小"
    assert search.rarest_piece("小区", connection) == "小区"  # a two-character term is its only piece
    del frequencies["旧小"]  # not among PostgreSQL's common pieces: rarer than any that are
    assert search.rarest_piece("小区旧小区", connection) == "区旧"
    assert search.rarest_piece("5g基站", connection) == "g基"  # looked up upper-cased, as indexed


def test_bigram_frequencies_come_from_postgresql_statistics_once(sample, django_assert_num_queries):
    from suggestions.queries import search

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE suggestions_suggestion")
    search._frequencies.clear()
    with django_assert_num_queries(1):
        frequencies = search.bigram_frequencies(connection)
        assert search.bigram_frequencies(connection) is frequencies
    assert frequencies and all(0 < f <= 1 for f in frequencies.values())
    assert "老旧" in frequencies


# --------------------------------------------------------------------------- width folding (NFKC)

WIDE_SAMPLE = [
    ("关于降低ＰＭ２.５浓度的建议", "全角写的ＰＭ２.５。"),
    ("关于PM2.5监测的建议", "半角写的PM2.5，和pm10。"),
    ("增设５Ｇ基站", "全角５ｇ信号。"),
    ("Ａ区停车", "全角字母Ａ区，（括号）里面。"),
    ("A区绿化", "半角A区,(括号)里面。"),
    ("无关", "没有这些字。"),
]
WIDE_TERMS = [
    "ＰＭ２.５",
    "PM2.5",
    "pm2.5",
    "ｐｍ２．５",
    "5G基站",
    "５ｇ基",
    "A区",
    "Ａ区",
    "ａ区",
    "（括号）",
    "(括号)",
    "PM10",
]


def folded_ilike_ids(term):
    """ILIKE '%term%' with NFKC's width folding applied to both sides (in the database, slowly)."""
    wide = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
    narrow = "".join(chr(c) for c in range(0x21, 0x7F)) + " "
    folded = normalize(term).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    where = " OR ".join(f"translate({c}, %s, %s) ILIKE %s" for c in ("title", "body"))
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id FROM suggestions_suggestion WHERE {where}", [wide, narrow, f"%{folded}%"] * 2)  # noqa: S608
        return {row[0] for row in cursor.fetchall()}


@pytest.fixture
def wide_sample(session, delegate):
    category = factories.CategoryFactory()
    return [
        Suggestion.objects.create(session=session, title=t, body=b, category=category, lead_delegate=delegate)
        for t, b in WIDE_SAMPLE
    ]


def test_full_width_pm25_finds_half_width_and_the_other_way_round(wide_sample):
    titles = lambda q: {s.title for s in apply_text_search(Suggestion.objects.all(), q)}  # noqa: E731
    both = {"关于降低ＰＭ２.５浓度的建议", "关于PM2.5监测的建议"}
    assert titles("ＰＭ２.５") == both
    assert titles("PM2.5") == both
    assert titles("Ａ区") == {"Ａ区停车", "A区绿化"}


@pytest.mark.parametrize("term", WIDE_TERMS)
def test_search_equals_ilike_with_nfkc_width_folding_on_both_sides(wide_sample, sample, term):
    found = set(apply_text_search(Suggestion.objects.all(), term).values_list("pk", flat=True))
    assert found == folded_ilike_ids(term)
    assert found  # every term of the list is somewhere in the sample


@pytest.mark.parametrize("term", WIDE_TERMS)
def test_the_bigram_index_holds_every_width_of_a_term(wide_sample, term):
    term = normalize(term)
    qs = Suggestion.objects.all()
    if uses_bigram_index(term):
        qs = qs.filter(BigramMatch(F("title"), F("body"), term))
    assert set(qs.values_list("pk", flat=True)) >= folded_ilike_ids(term)


def test_search_terms_are_width_folded():
    assert search_terms("ＰＭ２.５　老旧小区") == ["PM2.5", "老旧小区"]
    assert normalize("（１２３）ＡＢＣ") == "(123)ABC"
    assert normalize("老旧小区。、") == "老旧小区。、"  # Chinese punctuation without another width stays


@pytest.mark.parametrize("query", ["，。！", "  ", "—— …… ？", "（）【】", "!!!", "_"])
def test_a_query_of_punctuation_or_spaces_only_is_no_query(sample, query):
    assert search_terms(query) == []
    assert apply_text_search(Suggestion.objects.all(), query).count() == len(SAMPLE)


def test_a_punctuation_term_beside_a_real_one_is_dropped(sample):
    assert search_terms("老旧小区 ！！") == ["老旧小区"]
