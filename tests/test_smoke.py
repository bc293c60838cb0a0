from pathlib import Path

from analysis import pipeline

CORPUS = Path(__file__).resolve().parent.parent / "data" / "corpus"


def test_bundled_corpus_builds_five_documents():
    tables = pipeline.build_tables([CORPUS], progress=False)
    assert tables["documents"].height == 5
