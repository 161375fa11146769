import time, sys
from bench.run import setup_django
setup_django(sys.argv[1])
from django.db import connection
from bench import province
from congresses.models import Congress
c = Congress.objects.get(slug=sys.argv[2])
client = province._actors(c)[sys.argv[4] if len(sys.argv) > 4 else "staff"]
client.get(sys.argv[3])
qs = []
def rec(ex, sql, p, m, ctx):
    t = time.perf_counter(); r = ex(sql, p, m, ctx); qs.append((time.perf_counter() - t, sql, p)); return r
with connection.execute_wrapper(rec):
    t = time.perf_counter(); resp = client.get(sys.argv[3]); total = time.perf_counter() - t
print("total", total, resp.status_code)
for d, sql, p in sorted(qs, key=lambda x: -x[0])[:3]:
    print(f"{d*1000:.1f} ms", sql[:1500], p)
    with connection.cursor() as cur:
        cur.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, p)
        print("\n".join(r[0] for r in cur.fetchall())[:3000])
    print()
