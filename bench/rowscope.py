"""Row-level security's cost: the main pages and the search as the table owner and as a restricted role.

    .venv/bin/python -m bench.rowscope --db huaxi_bench_NAME   # a copy of huaxi_bench, migrated

Each page is requested alternately on a connection of the owner (a superuser: the policies pass it by) and
of a NOSUPERUSER NOBYPASSRLS role (the policies apply, as for ``huaxi_app``), in the same run: the figure is
the ratio of the medians. The role is created for the run and dropped afterwards.
"""

import argparse
import statistics
import sys
import time

ROLE = "huaxi_bench_rowscope"
SEARCH_TERMS = ("道路", "老旧小区")


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", required=True)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args(argv)

    from bench import run

    run.setup_django(args.db)
    from django.core.management import call_command
    from django.db import connection

    call_command("collectstatic", verbosity=0, interactive=False)

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [ROLE])
        if not cursor.fetchone():
            cursor.execute(f"CREATE ROLE {ROLE} LOGIN NOSUPERUSER NOBYPASSRLS")
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {ROLE}")
        cursor.execute("SELECT proleakproof FROM pg_proc WHERE proname = 'ts_match_vq'")
        leakproof = cursor.fetchone()[0]
    owner = connection.settings_dict["USER"]
    try:
        pages = run.Pages()
        staff_search = [f"{run.page_url('staff_list')}?q={term}" for term in SEARCH_TERMS]
        public_search = [f"{run.page_url('public_list')}?q={term}" for term in SEARCH_TERMS]
        plan = [
            ("public outcome list", "anonymous", [run.page_url("public_list")]),
            ("public detail", "anonymous", [run.page_url("public_detail", pk) for pk in pages.details[:3]]),
            ("public search", "anonymous", public_search),
            ("staff track list", "staff", [run.page_url("staff_list")]),
            ("staff search", "staff", staff_search),
            ("suggestion detail (staff)", "staff", [run.page_url("detail", pages.rich)]),
            ("office inbox", "clerk", [run.page_url("office_inbox")]),
            ("delegate home", "delegate", [run.page_url("delegate_home")]),
        ]
        print(f"ts_match_vq LEAKPROOF: {leakproof}; {args.repeat} rounds, owner and role alternating")
        print(f"{'page':30} {'owner median':>13} {'role median':>12} {'ratio':>6}  queries owner/role")
        for label, role, urls in plan:
            times = {owner: [], ROLE: []}
            queries = {}
            for _ in range(args.repeat):
                for user in (owner, ROLE):
                    run.clear_cache()
                    connection.close()
                    connection.settings_dict["USER"] = user
                    for url in urls:
                        start = time.perf_counter()
                        _elapsed, response, captured = pages.get(role, url)
                        times[user].append(time.perf_counter() - start)
                        assert response.status_code == 200, (label, user, response.status_code)
                        queries[user] = len(captured)
            connection.close()
            connection.settings_dict["USER"] = owner
            mine, theirs = statistics.median(times[owner]), statistics.median(times[ROLE])
            print(
                f"{label:30} {mine * 1000:10.1f} ms {theirs * 1000:9.1f} ms {theirs / mine:5.2f}×  "
                f"{queries[owner]}/{queries[ROLE]}"
            )
    finally:
        connection.close()
        connection.settings_dict["USER"] = owner
        with connection.cursor() as cursor:
            cursor.execute(f"DROP OWNED BY {ROLE}")
            cursor.execute(f"DROP ROLE {ROLE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
