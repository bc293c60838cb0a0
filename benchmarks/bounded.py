"""Bounded work per document: what one huge or strange document costs a build, against a normal one.

Each document is built alone, by `openness build` in a fresh process, and the process's wall seconds
and peak resident memory (from `os.wait4`, that process alone) are compared with the build of one
normal article:

- `normal`: one news article of about 2 KB;
- `words_2mb`: 2 MB of words with no punctuation and no line break (the words of issue 10's
  reproduction: `open model weights meta said نموذج`);
- `dense_2mb`: 2 MB of actor, model and cue words with no punctuation, so every stage has matches to pair;
- `word_1mb`: one 1 MB "word" of letters joined by hyphens, no space, no punctuation.

`python -m benchmarks.bounded [--out build]` prints a table and writes OUT/bounded.json. The limits the
build keeps (README, "Limits") are `text.MAX_SENTENCE_CHARS` and `events.MAX_MATCHES_PER_SENTENCE`.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MB = 1_000_000

NORMAL = (
    "Meta releases Llama 4 weights\n\n"
    "SAN FRANCISCO, April 5 (Reuters) - Meta Platforms released the weights of its Llama 4 models on "
    "Saturday, Chief Executive Mark Zuckerberg said. The models are available to developers under the "
    "company's community licence. OpenAI said it would publish an open-weight model this summer, after "
    "delaying it twice for safety tests.\n\n"
    "أعلنت شركة ميتا عن إطلاق نموذج جديد مفتوح المصدر. وقالت الشركة إن النموذج متاح للجميع.\n"
) * 3
ISSUE_WORDS = ["open", "model", "weights", "meta", "said", "نموذج"]
DENSE_WORDS = ["OpenAI", "released", "gpt-oss-120b", "open", "weights", "the", "model", "company",
               "delayed", "Meta", "Llama", "3", "said", "أطلقت", "شركة", "ميتا", "نموذج", "مفتوح",
               "المصدر", "تأجيل", "Kimi", "K2", "will", "release", "not", "rumoured"]


def words(vocab: list[str], n_chars: int, seed: int, sep: str = " ") -> str:
    """`n_chars` characters of words drawn from `vocab`, joined by `sep`, with no punctuation."""
    rng = random.Random(seed)
    parts: list[str] = []
    size = 0
    while size < n_chars:
        w = rng.choice(vocab)
        parts.append(w)
        size += len(w) + len(sep)
    return sep.join(parts)[:n_chars]


def documents() -> dict[str, str]:
    """The documents measured, by name; each is built alone."""
    return {
        "normal": NORMAL,
        "words_2mb": words(ISSUE_WORDS, 2 * MB, seed=2),
        "dense_2mb": words(DENSE_WORDS, 2 * MB, seed=3),
        "word_1mb": words(ISSUE_WORDS, MB, seed=4, sep="-"),
    }


def build_one(text: str, work: Path, timeout: float = 900) -> dict[str, float | int]:
    """Build one document in a fresh process: wall seconds, peak RSS in MB, exit status."""
    corpus, out = work / "corpus", work / "out"
    corpus.mkdir(parents=True, exist_ok=True)
    (corpus / "doc.txt").write_text(text, encoding="utf-8")
    cmd = [sys.executable, "-m", "analysis", "build", str(corpus), "--out", str(out), "-q"]
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = t + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            proc.kill()
            pid, status, usage = os.wait4(proc.pid, 0)
            break
        time.sleep(0.05)
    wall = time.perf_counter() - t
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    rss = usage.ru_maxrss / (MB if sys.platform == "darwin" else 1024)
    return {"seconds": round(wall, 2), "peak_mb": round(rss, 1), "exit": proc.returncode,
            "chars": len(text)}


def measure() -> dict[str, dict[str, float | int]]:
    results: dict[str, dict[str, float | int]] = {}
    for name, text in documents().items():
        with tempfile.TemporaryDirectory(prefix="openness-bounded-") as tmp:
            results[name] = build_one(text, Path(tmp))
    base = results["normal"]
    for r in results.values():
        r["time_ratio"] = round(float(r["seconds"]) / float(base["seconds"]), 2)
        r["memory_ratio"] = round(float(r["peak_mb"]) / float(base["peak_mb"]), 2)
    return results


def table(results: dict[str, dict[str, float | int]]) -> str:
    rows = [f"{'document':<11} {'chars':>9} {'seconds':>8} {'peak MB':>8} {'time ×':>7} {'memory ×':>9}"]
    for name, r in results.items():
        rows.append(f"{name:<11} {r['chars']:>9} {r['seconds']:>8} {r['peak_mb']:>8} "
                    f"{r['time_ratio']:>7} {r['memory_ratio']:>9}" + ("" if r["exit"] == 0 else "  FAILED"))
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m benchmarks.bounded", description=__doc__,
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", type=Path, default=Path("build"), help="where bounded.json goes (default: build)")
    a = p.parse_args(argv)
    results = measure()
    print(table(results))
    a.out.mkdir(parents=True, exist_ok=True)
    (a.out / "bounded.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return 0 if all(r["exit"] == 0 for r in results.values()) else 1



if __name__ == "__main__":
    sys.exit(main())
