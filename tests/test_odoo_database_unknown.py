"""A wrong database name in an Odoo company's settings (Odoo 17-18, JSON-RPC) is a settings error
naming the database the user typed and the Odoo URL, not PostgreSQL's message passed through:
Odoo answers the login with ``psycopg2.OperationalError: connection to server at "<database
server>", port <port> failed: FATAL: database "<name>" does not exist``, which names the
database server behind Odoo (its address and port: nothing the user can act on, and not theirs
to see) and reads as a crash of the server."""

from __future__ import annotations

from test_odoo_secrets import FakeOdoo17, run_sync, serving, write_config

DB_SERVER_ERROR = ('connection to server at "10.20.30.40", port 6432 failed: FATAL:  database "acme" '
                   'does not exist\n')


class NoSuchDatabase(FakeOdoo17):
    """Odoo 18 over JSON-RPC whose PostgreSQL has no database "acme"."""

    def answer(self, request: dict, raw: str) -> dict:
        if "version_info" in self.path:
            return {"result": {"server_version": "18.0", "server_version_info": [18, 0, 0, "final", 0, ""],
                               "protocol_version": 1}}
        return {"error": {"code": 200, "message": "Odoo Server Error", "data": {
            "name": "psycopg2.OperationalError", "message": DB_SERVER_ERROR,
            "debug": "Traceback (most recent call last):\n" + DB_SERVER_ERROR, "arguments": [DB_SERVER_ERROR]}}}


def test_jsonrpc__unknown_database_names_the_setting_not_the_database_server(tmp_path):
    with serving(NoSuchDatabase) as url:
        code, output = run_sync(write_config(tmp_path, url))
    assert code == 2, output  # a settings error, not an unreachable server (3) nor a bug (1)
    assert f"the database 'acme' was not found at {url}; check the database setting" in output
    assert "10.20.30.40" not in output and "6432" not in output and "FATAL" not in output
