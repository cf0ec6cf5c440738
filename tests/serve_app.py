"""Serve a test instance: fresh schema, one user (and bearer token) per role.

Used by the live-server fixtures (browser tests, live Socket.IO tests, the
Redis tests): `python tests/serve_app.py PORT INFO_JSON` with the
configuration in CRISIS_* environment variables. Writes the tokens to
INFO_JSON, then serves with the production server stack (gunicorn, one
gevent worker). KRISRUM_TEST_DEMO=1 loads the Marks kommun demo data first
(its users get the tokens where a username is shared, e.g. admin). PORT 0 only sets up the database and writes INFO_JSON
(for tests that start the servers another way, e.g. behind nginx).
"""

# gevent first, before anything imports socket, ssl or psycopg (see crisis/server.py).
from gevent import monkey

monkey.patch_all()

import json  # noqa: E402
import os  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PASSWORD = "correct-horse-1"


def main() -> None:
    port, info_path = int(sys.argv[1]), sys.argv[2]
    from argon2 import PasswordHasher

    from crisis import create_app
    from crisis.auth import service as users
    from crisis.enums import Role
    from crisis.extensions import db
    from crisis.server import serve

    # The tests' users need no production-cost password hashes (some 110 ms each, twice per
    # login check): as in tests/conftest.py, a cheap Argon2 for the users made here.
    users._hasher = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)
    app = create_app()
    info: dict[str, object] = {"tokens": {}, "password": PASSWORD}
    with app.app_context():
        if os.environ.get("KRISRUM_TEST_SETUP", "1") == "1":
            db.create_all()
            demo = os.environ.get("KRISRUM_TEST_DEMO") == "1"
            if demo:
                from crisis import seed

                seed.seed_demo()
            for role in (r.value for r in Role):  # every role, including ones added later
                name = role.replace("_", "-")
                existing = users.get_by_username(username=name)
                if existing is not None and demo:
                    _tok, plain = users.create_token(user_id=existing.id, name="tests")
                    info["tokens"][role] = plain  # type: ignore[index]
                elif existing is None:
                    u = users.create(
                        username=name,
                        password=PASSWORD,
                        role=role,
                        display_name=f"{role.title()} Testsson",
                        phone="0320-000 00",
                    )
                    _tok, plain = users.create_token(user_id=u.id, name="tests")
                    info["tokens"][role] = plain  # type: ignore[index]
            if info["tokens"]:  # first start only; a restart keeps the first tokens
                Path(info_path).write_text(json.dumps(info))
        db.session.remove()
    if port:
        serve(app, "127.0.0.1", port)


if __name__ == "__main__":
    main()
