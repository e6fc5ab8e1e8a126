"""``collectstatic`` with the production storage collects what pages load, compressed, and
leaves out what none does (``project/staticfiles.py``): a deploy's time and disk."""

from __future__ import annotations

from pathlib import Path


def test_collected_static_is_what_pages_load_and_maps_stay_uncompressed(
    collected_static: Path,
) -> None:
    files = {str(p.relative_to(collected_static)) for p in collected_static.rglob("*")}
    swagger = [f for f in files if f.startswith("ninja/swagger-ui-bundle.") and f.endswith(".js")]
    assert swagger, "the API documentation page's Swagger UI was not collected"
    assert {f + ".br" for f in swagger} <= files and {f + ".gz" for f in swagger} <= files
    assert not [f for f in files if f.startswith("ninja/redoc")], "ReDoc: no page loads it"
    assert not [f for f in files if f.startswith("viewflow/")], "viewflow's Material assets"
    maps = [f for f in files if f.endswith(".map")]
    assert maps, "the source maps are still collected, for developer tools"
    assert not [f for f in files if ".map." in f and f.endswith((".br", ".gz"))]
