"""One company, one style: the config's ``locale`` (per company or for the whole file, ``--locale``
overriding) writes every day and amount of the letters, tasks and worklist; ``sync`` uses the
business's templates (config ``templates``, ``--templates``) as ``plan`` does (issue 17 points 6, 11)."""

import re

import pytest
from sync_helpers import IBM_EXCERPT, file_settings, write_config

from arwatch.cli import main
from arwatch.core.step_templates import default_templates
from arwatch.sync.config import load_config
from arwatch.sync.store import open_store

AS_OF = "2012-04-20"  # a reminder is due (1408-OQZUE, 29 days past due)
ISO_DAY = re.compile(r"\b\d{4}-\d\d-\d\d\b")
GERMAN_DAY = re.compile(r"\b\d\d\.\d\d\.\d{4}\b")
ENGLISH_DAY = re.compile(r"\b\d{1,2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4}\b")
MARK = "OUR OWN TEXT"


def configure(tmp_path, top: str = "", company: str = "") -> str:
    path = write_config(tmp_path / "arwatch.toml", {"acme": {"source": "file", "settings": file_settings(IBM_EXCERPT)}},
                        state_url=str(tmp_path / "state.sqlite3"))
    text = path.read_text(encoding="utf-8").replace('source = "file"', f'source = "file"\n{company}')
    path.write_text(f"{top}\n{text}", encoding="utf-8")
    return str(path)


def own_templates(folder):
    folder.mkdir()
    for step, text in default_templates().items():
        (folder / f"{step}.j2").write_text(f"{MARK} ({step})\n{text}", encoding="utf-8")
    return folder


def synced_tasks(config, tmp_path, *more):
    assert main(["sync", "--config", config, "--source", "acme", "--as-of", AS_OF, *more]) == 0
    store = open_store(tmp_path / "state.sqlite3")
    try:
        return store.written.state("acme").tasks
    finally:
        store.close()


def customer_texts(tasks):
    return [t.body for t in tasks if t.channel in ("email", "letter", "call")]


def test_locale__per_company_over_the_file_and_en_gb_by_default(tmp_path):
    config = load_config(configure(tmp_path, top='locale = "fr_FR"', company='locale = "de-DE"'))
    assert config.locale_of(config.company("acme")) == "de_DE"
    assert config.locale_of(config.company("acme"), "en_US") == "en_US"  # --locale overrides
    assert load_config(configure(tmp_path)).locale_of(load_config(configure(tmp_path)).company("acme")) == "en_GB"


def test_locale__an_unknown_locale_is_a_config_error_naming_the_key(tmp_path, capsys):
    config = configure(tmp_path, company='locale = "xx_YY"')
    assert main(["sync", "--config", config, "--source", "acme", "--as-of", AS_OF]) == 2
    assert "companies.acme.locale" in capsys.readouterr().err


def test_locale__the_same_letters_in_two_locales_each_in_one_style(tmp_path):
    german = synced_tasks(configure(tmp_path, top='locale = "de_DE"'), tmp_path)
    texts = customer_texts(german)
    assert texts, "the excerpt has letters to write"
    for text in texts:
        assert not ISO_DAY.search(text) and not ENGLISH_DAY.search(text), text
        assert GERMAN_DAY.search(text) and re.search(r"\d,\d\d\xa0\$", text), text  # 1.234,56 $
        assert not re.search(r"\$\d", text), text
    (tmp_path / "state.sqlite3").unlink()
    english = synced_tasks(configure(tmp_path, top='locale = "de_DE"'), tmp_path, "--locale", "en_GB")
    assert sorted(t.key for t in english) == sorted(t.key for t in german)  # the same tasks, another style
    for text in customer_texts(english):
        assert not ISO_DAY.search(text) and not GERMAN_DAY.search(text), text
        assert ENGLISH_DAY.search(text) and re.search(r"US\$[\d,]+\.\d\d", text), text


def test_locale__the_worklist_writes_days_and_money_in_the_company_locale(tmp_path, capsys):
    config = configure(tmp_path, company='locale = "de_DE"')
    synced_tasks(config, tmp_path)
    capsys.readouterr()
    assert main(["plan", "--config", config, "--source", "acme"]) == 0
    german = capsys.readouterr().out
    assert "Worklist for 20.04.2012" in german and not ISO_DAY.search(german)
    assert main(["plan", "--config", config, "--source", "acme", "--locale", "en_GB"]) == 0
    assert "Worklist for 20 Apr 2012" in capsys.readouterr().out


def test_templates__sync_writes_the_business_templates_from_the_config_as_plan_does(tmp_path):
    own_templates(tmp_path / "letters")
    config = configure(tmp_path, company='templates = "letters"')
    tasks = synced_tasks(config, tmp_path)
    assert tasks and all(t.body.startswith(f"{MARK} ({t.step})") for t in tasks)


def test_templates__sync_takes_them_from_the_command_line_too(tmp_path):
    folder = own_templates(tmp_path / "letters")
    tasks = synced_tasks(configure(tmp_path), tmp_path, "--templates", str(folder))
    assert tasks and all(t.body.startswith(f"{MARK} ({t.step})") for t in tasks)


def test_templates__a_template_that_does_not_compile_stops_the_company_with_a_config_error(tmp_path, capsys):
    folder = tmp_path / "letters"
    folder.mkdir()
    (folder / "reminder.j2").write_text("{{ customer.name ", encoding="utf-8")
    config = configure(tmp_path, company='templates = "letters"')
    assert main(["sync", "--config", config, "--source", "acme", "--as-of", AS_OF]) == 2
    assert "template reminder" in capsys.readouterr().out


@pytest.mark.parametrize("locale", ["de_DE", "en_GB"])
def test_locale__the_report_uses_the_config_locale(tmp_path, capsys, locale):
    config = configure(tmp_path, company=f'locale = "{locale}"')
    synced_tasks(config, tmp_path)
    out = tmp_path / "report.html"
    assert main(["report", "--config", config, "--source", "acme", "--out", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert ("20.04.2012" in page) == (locale == "de_DE") and ("20 Apr 2012" in page) == (locale == "en_GB")


def test_letters__sync_all_warns_once_at_the_start_when_no_sender_is_configured(tmp_path, capsys):
    config = configure(tmp_path)
    text = open(config, encoding="utf-8").read()
    second = text[text.index("[companies.acme]"):].replace("[companies.acme", "[companies.beta")
    open(config, "w", encoding="utf-8").write(text + second)
    assert main(["sync", "--config", config, "--all", "--as-of", AS_OF]) == 0
    err = capsys.readouterr().err
    assert err.count("no sender for letters") == 1 and "of acme, beta:" in err
    body = open_store(tmp_path / "state.sqlite3").written.state("acme").tasks[0].body
    assert body.rstrip().split("Kind regards,\n")[1].strip()  # signed, never a blank
