"""docker-compose.yml is valid and wires the services production needs."""

import os
import subprocess
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def compose_config(**env) -> subprocess.CompletedProcess:
    return subprocess.run(["docker-compose", "config"], cwd=ROOT, env={"PATH": os.environ["PATH"], **env},
                          capture_output=True, text=True, timeout=60)


def test_compose_file_is_valid_and_complete():
    result = compose_config(SECRET_KEY="s" * 60, POSTGRES_PASSWORD="pw")
    assert result.returncode == 0, result.stderr
    config = yaml.safe_load(result.stdout)
    services = config["services"]
    assert set(services) == {"web", "worker", "worker-emergency", "beat", "db", "redis"}
    command = services["worker-emergency"]["command"]
    assert "-Q emergency" in (command if isinstance(command, str) else " ".join(command))
    for name in ("web", "worker", "worker-emergency", "db", "redis"):
        assert "healthcheck" in services[name], name
    assert services["web"]["environment"]["DEBUG"] == "0"
    assert services["web"]["environment"]["DATABASE_URL"].startswith("postgis://")
    assert services["worker"]["environment"]["REDIS_URL"].startswith("redis://")
    assert services["db"]["image"].startswith("postgis/postgis")
    assert set(config["volumes"]) >= {"pgdata", "media"}


def test_compose_refuses_to_start_without_a_secret_key():
    result = compose_config(POSTGRES_PASSWORD="pw")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
