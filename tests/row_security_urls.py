"""The site's URLs and one probe for tests/test_row_security.py: what raw SQL without a congress filter sees."""

from django.db import connection
from django.http import JsonResponse
from django.urls import include, path


def probe(request):
    """The rows of the suggestion table this request's transaction may see, by no filter but the database's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_backend_pid(), current_setting('huaxi.congresses', true),"
            " coalesce(array_agg(title ORDER BY title) FILTER (WHERE title IS NOT NULL), '{}')"
            " FROM (SELECT 1) AS one LEFT JOIN suggestions_suggestion ON true"
        )
        pid, congresses, titles = cursor.fetchone()
    return JsonResponse({"pid": pid, "congresses": congresses, "titles": titles})


urlpatterns = [path("rls-probe/", probe), path("", include("huaxi_renda.urls"))]
