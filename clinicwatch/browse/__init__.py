"""`clinicwatch serve`: Datasette over the database, with clinicwatch's metadata, templates,
style sheet and browse plugin (post pages, charts, search box, cell rendering)."""

from __future__ import annotations

import json
import tempfile
from importlib import resources
from pathlib import Path

BROWSE = resources.files(__name__)


def datasette_metadata(database_name: str, host: str = "127.0.0.1") -> dict:
    """metadata.json with its "*" database entry named after the file Datasette will serve, and the
    --host the plugin answers for."""
    metadata = json.loads((BROWSE / "metadata.json").read_text(encoding="utf-8"))
    metadata["databases"] = {database_name: metadata["databases"]["*"]}
    # The browse plugin answers only the host names the server was started for (DNS rebinding).
    metadata["plugins"] = {"clinicwatch_browse": {"host": host}}
    return metadata


def serve(path: str, host: str, port: int) -> None:
    """Datasette on the database until interrupted."""
    from datasette.cli import cli as datasette_cli

    with tempfile.TemporaryDirectory() as tmp:
        metadata = Path(tmp) / "metadata.json"
        metadata.write_text(json.dumps(datasette_metadata(Path(path).stem, host)))
        datasette_cli.main(["serve", path, "--host", host, "--port", str(port), "--metadata", str(metadata),
                            "--template-dir", str(BROWSE / "templates"), "--plugins-dir", str(BROWSE / "plugins"),
                            "--static", f"cw:{BROWSE / 'static'}",
                            "--setting", "default_page_size", "50"], prog_name="clinicwatch serve")
