"""A missing or damaged database file at start: every page says so in a sentence, with how to rebuild."""
import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import PAGES, PROJECT_ROOT, app_reading, publish_copy


@pytest.fixture
def broken_db_env(tmp_path, monkeypatch, request):
    path = tmp_path / "current.duckdb"
    if request.param == "corrupt":
        path.write_bytes(b"this is not a database" * 1000)
    with app_reading(path, tmp_path, monkeypatch):
        yield request.param


def test_a_published_build_whose_file_was_deleted_says_so_not_that_it_was_never_built(built_db, tmp_path,
                                                                                      monkeypatch):
    link = tmp_path / "db" / "current.duckdb"
    publish_copy(built_db, link)
    target = link.resolve()
    target.unlink()
    with app_reading(link, tmp_path, monkeypatch):
        at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
        at.query_params["lang"] = "tr"
        at.run()
        assert not at.exception
        messages = " ".join(e.value for e in at.error)
        assert target.name in messages and "current.duckdb" in messages
        from app import i18n
        english = "The published database {file} is missing: {link} points to a file that was deleted or moved."
        turkish = i18n.translations("tr").gettext(english)
        assert turkish != english
        assert re.search(re.escape(turkish).replace(r"\{file\}", ".+").replace(r"\{link\}", ".+"), messages)
        assert "make rebuild" in messages and "not been built" not in messages


@pytest.mark.parametrize("broken_db_env", ["missing", "corrupt"], indirect=True)
@pytest.mark.parametrize("page", PAGES)
def test_page_explains_unusable_database(broken_db_env, page):
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    messages = " ".join(e.value for e in at.error)
    assert ("make database" if broken_db_env == "missing" else "make rebuild") in messages
    expected = "not been built" if broken_db_env == "missing" else "cannot be read"
    assert expected in messages


@pytest.mark.parametrize("broken_db_env", ["missing", "corrupt"], indirect=True)
@pytest.mark.parametrize("language", ["ru", "tr"])
def test_the_sentence_is_in_the_readers_language(broken_db_env, language):
    from app import i18n
    translations = i18n.translations(language)
    at = AppTest.from_file(str(PROJECT_ROOT / "dashboard.py"), default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    messages = " ".join(e.value for e in at.error)
    first = ("The database has not been built yet." if broken_db_env == "missing" else
             "The database file {file} cannot be read ({error}); it may be damaged.")
    hint = ("Build it with `make database` (or `python -m etl build`), then reload this page."
            if broken_db_env == "missing" else
            "Rebuild it with `make rebuild` (or `python -m etl build`), then reload this page.")
    translated = translations.gettext(first)
    assert translated != first
    pattern = re.escape(translated).replace(r"\{file\}", ".+").replace(r"\{error\}", ".+")
    assert re.search(pattern, messages), (pattern, messages)
    assert translations.gettext(hint) in messages
    assert ("make database" if broken_db_env == "missing" else "make rebuild") in messages
