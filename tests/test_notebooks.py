"""The notebooks: stored without outputs, and each runs top to bottom on freshly built tables."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

from analysis import charts, pipeline, schema

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
NAMES = ("01_corpus.ipynb", "02_events.ipynb", "03_narratives.ipynb")
# The chart functions each notebook draws with; a notebook is skipped while analysis.charts lacks one.
NEEDS = {
    "01_corpus.ipynb": ("corpus_overview", "quote_table"),
    "02_events.ipynb": ("event_timeline", "openness_by_actor", "quote_table"),
    "03_narratives.ipynb": ("narrative_shares", "actor_narrative_heatmap", "cluster_terms", "quote_table"),
}
CHART_TYPES = ("application/vnd.vegalite", "application/vnd.vega")


@pytest.mark.parametrize("name", NAMES)
def test_stored_without_outputs(name):
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a notebook with no code"
    assert all(not c.outputs and c.execution_count is None for c in code)


@pytest.fixture(scope="module")
def build_dir(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("build")
    schema.write_tables(pipeline.build_tables([ROOT / "data" / "corpus"], progress=False), out)
    return out


@pytest.mark.slow
@pytest.mark.parametrize("name", NAMES)
def test_runs_top_to_bottom_and_draws_charts(name, build_dir, monkeypatch):
    from nbclient import NotebookClient

    missing = [f for f in NEEDS[name] if not hasattr(charts, f)]
    if missing:
        pytest.skip(f"analysis.charts lacks {', '.join(missing)}")
    monkeypatch.setenv("OPENNESS_BUILD", str(build_dir))
    nb = nbformat.read(NOTEBOOKS / name, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3",
                   resources={"metadata": {"path": str(NOTEBOOKS)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    kinds = {k for o in outputs for k in o.get("data", {})}
    html = [o["data"]["text/html"] for o in outputs if "text/html" in o.get("data", {})]
    # Altair's renderer gives a Vega-Lite bundle, or HTML that embeds the spec with vega-embed.
    drawn = any(k.startswith(CHART_TYPES) for k in kinds) or any("vegaEmbed" in h for h in html)
    assert drawn, f"{name} drew no chart: {sorted(kinds)}"
    # Sentences are shown escaped and in their own direction.
    assert any('dir="auto"' in h for h in html)
    # Tables were read from the build, not rebuilt beside the notebooks.
    assert not (NOTEBOOKS / "build").exists()
