"""CPU of the add-on's nightly no-change run: the Odoo process's and its PostgreSQL backend's.

    python benchmarks/odoo_nightly_cpu.py --odoo-bin PATH/odoo-bin -c odoo.conf -d DB [--addons-path ...]
        [--repeat 5] [--serial] [--statements]

Run with Odoo's python, on a database whose customers are scored already (a night's state: run
``--settle`` once, which scores all the company's customers twice and commits, then VACUUM
ANALYZE it). Each repeat runs ``arwatch.scoring._score_company`` over all the company's
customers in one batch, as ``odoo_scoring.py``'s rerun does, inside a transaction rolled back at
the end, and prints its wall time, the process's CPU time and the CPU time of the PostgreSQL
backend serving it (read from ``/proc``: PostgreSQL on this machine). ``--serial`` turns parallel
query off for the session, so that the backend's CPU is all of PostgreSQL's (parallel workers are
other processes). ``--statements`` prints, for one more run, the slowest statements with their
backend CPU and the rows each write statement changed.

On a shared machine wall times follow the load; compare CPU times, alternating the two sides.
Not run in tests: no test ever asserts a duration.
"""

from __future__ import annotations

import os
import statistics
import time
from pathlib import Path

from odoo_scoring import boot, odoo_parser  # this script's folder is on the path when it runs

from arwatch.sync.clock import run_clock


def parse_args():
    parser = odoo_parser(__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--serial", action="store_true", help="parallel query off (max_parallel_workers_per_gather 0)")
    parser.add_argument("--statements", action="store_true", help="the slowest statements of one more run")
    parser.add_argument("--settle", action="store_true",
                        help="score all customers twice and commit (then VACUUM ANALYZE the database)")
    return parser.parse_args()


def backend_cpu(pid):
    """User + system CPU seconds of process ``pid`` (``/proc/<pid>/stat``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def main():
    args = parse_args()
    odoo = boot(args)
    registry = odoo.modules.registry.Registry(args.database)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company, scoring = env.company, env["arwatch.scoring"]
        today = run_clock().today  # the benchmark run starts here

        def run():
            env.invalidate_all()
            counts = scoring._score_company(company, today=today, batch_size=10**9)
            env.flush_all()
            return counts

        if args.settle:
            for _ in range(2):
                run()
            cr.commit()
            print("scored twice and committed; now VACUUM ANALYZE the database")
            return
        cr.execute("SELECT pg_backend_pid()")
        backend = cr.fetchone()[0]
        if args.serial:
            cr.execute("SET max_parallel_workers_per_gather = 0")
        walls, cpus, pg = [], [], []
        for _ in range(args.repeat):
            wall, cpu, pg_cpu = time.perf_counter(), time.process_time(), backend_cpu(backend)
            queries = cr.sql_log_count
            counts = run()
            walls.append(time.perf_counter() - wall)
            cpus.append(time.process_time() - cpu)
            pg.append(backend_cpu(backend) - pg_cpu)
            print(f"run: {walls[-1]:.3f} s wall, Odoo CPU {cpus[-1]:.3f} s, PostgreSQL CPU {pg[-1]:.2f} s, "
                  f"{cr.sql_log_count - queries} queries, {counts['customers']} customers, "
                  f"{counts['changes']} changes", flush=True)
        print(f"best / median: wall {min(walls):.3f} / {statistics.median(walls):.3f} s, Odoo CPU "
              f"{min(cpus):.3f} / {statistics.median(cpus):.3f} s, PostgreSQL CPU {min(pg):.2f} / "
              f"{statistics.median(pg):.2f} s (load average {os.getloadavg()[0]:.1f})")
        if args.statements:
            print_statements(odoo, cr, backend, run)
        cr.rollback()


def print_statements(odoo, cr, backend, run):
    cursor_class = odoo.sql_db.Cursor
    original, seen = cursor_class.execute, []

    def timed(self, query, params=None, log_exceptions=True):
        wall, pg_cpu = time.perf_counter(), backend_cpu(backend)
        result = original(self, query, params, log_exceptions)
        text = " ".join(str(query).split())
        seen.append((time.perf_counter() - wall, backend_cpu(backend) - pg_cpu, text[:100]))
        if text.upper().startswith(("UPDATE", "INSERT", "DELETE", "SQL(' UPDATE", "SQL(' INSERT")):
            print(f"  write statement, {self.rowcount} rows: {text[:100]}")
        return result

    cursor_class.execute = timed
    try:
        run()
    finally:
        cursor_class.execute = original
    for wall, pg_cpu, text in sorted(seen, reverse=True)[:12]:
        print(f"  {wall * 1000:7.1f} ms, PostgreSQL CPU {pg_cpu:.2f} s: {text}")


if __name__ == "__main__":
    main()
