"""The documentation's commands run as written: every ```sh runnable block of README.md and
docs/*.md, line by line, from the root of a copy of the repository (its docs, examples,
scripts and test data, with the virtualenv these tests run in as its .venv), with a home folder
of its own; and the scheduling units use the README's install path and make their log folder."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
BLOCK = re.compile(r"^```sh runnable\n(.*?)^```$", re.MULTILINE | re.DOTALL)


def _commands(text: str) -> list[str]:
    joined = text.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def _blocks() -> list[tuple[str, list[str]]]:
    found = []
    for doc in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for number, match in enumerate(BLOCK.finditer(doc.read_text(encoding="utf-8")), start=1):
            found.append((f"{doc.relative_to(ROOT)}#{number}", _commands(match.group(1))))
    return found


BLOCKS = _blocks()


@pytest.fixture(scope="module")
def clone(tmp_path_factory):
    root = tmp_path_factory.mktemp("clone")
    for name in ("README.md", "docs", "examples", "scripts", "tests/data"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=shutil.ignore_patterns("outbox", "*.html"))
        else:
            shutil.copy(source, root / name)
    (root / ".venv").symlink_to(Path(sys.prefix))
    home = root / "home"
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARWATCH_")}
    env.update(HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"), XDG_DATA_HOME=str(home / ".local/share"),
               XDG_STATE_HOME=str(home / ".local/state"), XDG_CACHE_HOME=str(home / ".cache"))
    return root, env


def test_docs__there_are_runnable_blocks():
    assert {where.split("#")[0] for where, _ in BLOCKS} >= {"README.md", "docs/file-exports.md"}


@pytest.mark.parametrize(("where", "commands"), BLOCKS, ids=[where for where, _ in BLOCKS])
def test_docs__runnable_commands_run_from_the_repository_root(clone, where, commands):
    root, env = clone
    for command in commands:
        done = subprocess.run(["bash", "-c", command], cwd=root, env=env, capture_output=True, text=True,
                              timeout=900)
        assert done.returncode == 0, f"{where}: `{command}` exited {done.returncode}\n{done.stdout}\n{done.stderr}"
        assert "Traceback" not in done.stderr


def test_readme__shows_how_to_run_the_report_on_the_ibm_sample_next_to_its_backtest():
    """The README gave the IBM sample's backtest command only; the report needs a sync first and
    the sample's last day (its data ends on 31 Oct 2013). Its commands run with the others."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = [c for where, block in BLOCKS if where.startswith("README.md#") for c in block]
    ibm = "--source ibm --config examples/ibm-ar.toml"
    report = [c for c in commands if c.startswith(f".venv/bin/arwatch report {ibm}")]
    sync = [c for c in commands if c.startswith(f".venv/bin/arwatch sync {ibm}")]
    assert report and sync and commands.index(sync[0]) < commands.index(report[0])
    assert "--as-of 2013-10-31" in report[0] and "--as-of 2013-10-31" in sync[0]
    backtest = readme.index("backtest --source ibm --config examples/ibm-ar.toml")
    assert 0 < readme.index(report[0]) - backtest < 2000  # next to the backtest's command


def test_scripts__use_the_readme_install_path_and_make_their_log_folder(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert ".venv/bin/arwatch demo" in readme  # the README installs into the clone's .venv
    service = (ROOT / "scripts" / "arwatch-sync.service").read_text(encoding="utf-8")
    assert "ExecStart=%h/arwatch/.venv/bin/arwatch sync --all --config %h/.config/arwatch/config.toml" in service
    cron = (ROOT / "scripts" / "crontab.example").read_text(encoding="utf-8")
    (line,) = [c for c in cron.splitlines() if c and not c.startswith("#") and "=" not in c.split()[0]]
    command = line.split(None, 5)[5]
    stub = tmp_path / "arwatch" / ".venv" / "bin" / "arwatch"
    stub.parent.mkdir(parents=True)
    stub.write_text("#!/bin/sh\necho \"arwatch $*\"\n")
    stub.chmod(0o755)
    subprocess.run(["sh", "-c", command], env={"HOME": str(tmp_path), "PATH": os.environ["PATH"]}, check=True)
    log = tmp_path / ".local" / "state" / "arwatch" / "sync.log"
    assert log.read_text() == f"arwatch sync --all --config {tmp_path}/.config/arwatch/config.toml\n"
