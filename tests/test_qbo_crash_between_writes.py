"""``arwatch sync`` killed between two writes to QuickBooks, and the write it was waiting for
landing after it died: the next run finds every flag, hold and task note written once, opens no
second note for a task and writes nothing more the run after. The process is killed (SIGKILL)
while the stand-in holds its second batch request (the task notes, after the customers' batch);
the held request is then let through. Tested on the stand-in only, never against QuickBooks.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections import Counter

from qbo_adapter_fixtures import arwatch_notes, qbo_standin  # noqa: F401  (fixture)
from qbo_cli_kit import AS_OF, COMPANY, cli  # noqa: F401  (fixture)

from arwatch.adapters.quickbooks import task_note

RUN = "import sys; from arwatch.cli import main; sys.exit(main(sys.argv[1:]))"


def test_killed_between_two_writes_then_rerun_writes_each_thing_once(cli):  # noqa: F811
    cli.standin.inject("batch", status=None, times=1)  # the customers' batch goes through
    held = cli.standin.inject("batch", status=None, times=1, hold=True)  # the task notes' batch
    env = {k: v for k, v in os.environ.items() if not k.startswith("ARWATCH_FAULT")}
    proc = subprocess.Popen([sys.executable, "-c", RUN, "sync", "--config", str(cli.config), "--source",
                             COMPANY, "--as-of", AS_OF], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        held.wait_held(1)
    finally:
        proc.send_signal(signal.SIGKILL)
        out = proc.communicate()[0].decode()
    assert proc.returncode == -signal.SIGKILL, out
    held.release()
    held.wait_answered(1)
    landed = len(arwatch_notes(cli))
    assert landed > 0  # the notes were created after the process died

    code, out = cli.sync()
    assert code == 0, out
    keys = Counter(task_note.parse(a["Note"]).key for a in arwatch_notes(cli))
    assert len(keys) >= landed and max(keys.values()) == 1, keys  # no second note for a task
    written = cli.written()
    assert set(keys) <= written and {"flag:1", "hold:1", "flag:2", "hold:2"} <= written
    code, out = cli.sync()
    assert code == 0 and "flags 0 created/0 updated/0 closed, holds 0 created/0 updated/0 closed, " \
                         "tasks 0 created/0 updated/0 closed" in cli.summary_line(out), out
