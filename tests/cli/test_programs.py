"""Every command-line program, run as the docs and docker-compose.yml run it: `python -m orderflow.cli.<name>`."""

import importlib.util
import os
import pkgutil
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

import orderflow.cli
from orderflow.blobs import BlobStore

ROOT = Path(__file__).resolve().parents[2]
PROGRAMS = sorted(module.name for module in pkgutil.iter_modules(orderflow.cli.__path__))


def runnable(module: str) -> bool:
    """What `python -m module` can run: a module, or a package with a `__main__`."""
    spec = importlib.util.find_spec(module)
    if spec is not None and spec.submodule_search_locations is not None:
        spec = importlib.util.find_spec(f"{module}.__main__")
    return spec is not None


def run(arguments: list[str], data_dir: Path) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "ORDERFLOW_ENV": "test", "ORDERFLOW_DATA_DIR": str(data_dir)}
    return subprocess.run(
        [sys.executable, "-m", *arguments], env=environment, cwd=data_dir, capture_output=True, text=True, timeout=120
    )


def test_the_docs_name_every_program_and_only_modules_that_exist():
    docs = "\n".join(
        path.read_text() for path in [ROOT / "README.md", ROOT / "docker-compose.yml", *ROOT.glob("docs/*.md")]
    )
    named = set(re.findall(r"python -m ([a-z_][\w.]*)", docs))

    assert {f"orderflow.cli.{name}" for name in PROGRAMS} <= named
    assert [module for module in sorted(named) if not runnable(module)] == []


@pytest.mark.parametrize("name", PROGRAMS)
def test_each_program_explains_itself(tmp_path, name):
    helped = run([f"orderflow.cli.{name}", "--help"], tmp_path)

    assert helped.returncode == 0, helped.stderr
    assert helped.stdout.startswith(f"usage: python -m orderflow.cli.{name}")


def test_schema_upgrades_and_downgrades(tmp_path):
    up = run(["orderflow.cli.schema", "upgrade"], tmp_path)
    down = run(["orderflow.cli.schema", "downgrade", "base"], tmp_path)
    no_revision = run(["orderflow.cli.schema", "downgrade"], tmp_path)

    assert up.returncode == 0 and "database at revision 00" in up.stdout, up.stderr
    assert down.returncode == 0 and down.stdout.strip() == "database at revision None", down.stderr
    assert no_revision.returncode == 2 and "downgrade needs a revision" in no_revision.stderr


def test_one_retention_sweep_deletes_only_the_old_images(tmp_path):
    blobs = BlobStore(tmp_path / "blobs")
    old, new = blobs.new_ref("R-old", "jpg"), blobs.new_ref("R-new", "jpg")
    for ref in (old, new):
        blobs.write_chunks(ref, [b"image"])
    two_days_ago = (datetime.now(UTC) - timedelta(days=2)).timestamp()
    os.utime(blobs.path(old), (two_days_ago, two_days_ago))

    swept = run(["orderflow.cli.retention"], tmp_path)

    assert swept.returncode == 0, swept.stderr
    assert "deleted 1 image(s) of 1 order(s)" in swept.stderr
    assert not blobs.path(old).exists() and blobs.path(new).exists()
