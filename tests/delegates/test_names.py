"""Login names from pinyin, and delegation and office names that look alike."""

from delegates import names


def test_a_login_name_is_the_full_pinyin_then_the_next_free_number():
    taken = {"wangfang", "wangfang2"}
    assert names.login_name("王芳", taken) == "wangfang3"
    assert names.login_name("王  芳", taken) == "wangfang4"
    assert names.login_name("李明", taken) == "liming"
    assert names.login_base("吕芳") == "lvfang"
    assert names.login_base("Anna 李") == "annali"
    assert names.login_base("——") == "user"


def test_homophones_one_character_apart_and_abbreviations_are_flagged():
    pairs = names.near_duplicates(["清溪代表团", "青溪代表团", "区住建局"], ["区住房和城乡建设局", "区教育局"])
    assert ("清溪代表团", "青溪代表团", "pinyin") in pairs
    assert ("区住建局", "区住房和城乡建设局", "abbreviation") in pairs
    assert len(pairs) == 2


def test_names_that_merely_share_words_are_not_flagged():
    assert names.near_duplicates(["区教育局", "区交通运输局", "花溪街道代表团", "青岩镇代表团"]) == []
    assert names.look_alike("区财政局", "区民政局") == ""
    assert names.look_alike("石板镇代表团", "石板乡代表团") == "one_char"
