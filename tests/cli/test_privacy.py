"""`python -m orderflow.cli.privacy`: a customer's data exported to a file, then erased, both audited."""

import json

from orderflow.blobs import BlobStore
from orderflow.cli import privacy
from orderflow.settings import Settings
from tests.privacy.customer_data import audit_notes, customer_with_an_order


def test_cli_exports_and_erases(sqlite_engine, tmp_path, capsys):
    blobs = BlobStore(tmp_path / "blobs")
    customer = customer_with_an_order(sqlite_engine, blobs)
    settings = Settings(env="test", database_url=str(sqlite_engine.url), blob_dir=blobs.root)

    privacy.main(["export", "--customer-no", customer.customer_no, "--out", str(tmp_path / "export.json")], settings)
    privacy.main(["erase", "--customer-no", customer.customer_no], settings)

    exported = json.loads((tmp_path / "export.json").read_text())
    assert exported["orders"][0]["messages"][0]["to_email"] == "erika@example.org"
    assert json.loads(capsys.readouterr().out)["images_deleted"] == 2
    assert [actor.startswith("cli:") for actor, _ in audit_notes(sqlite_engine, customer.order_id)] == [True, True]
