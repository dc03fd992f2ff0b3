"""The deployment files of deploy/ agree with the code (issue 16): parsed, every KAIJI_* variable they set is
a setting, every probe path is a route of the app, every command is a `kaiji` command, one image everywhere,
non-root, and the dashboard's Kaiji metrics are ones the API exports. No docker needed."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import typer
import yaml

from api.app import create_app
from kaiji.cli import app as cli_app
from kaiji.observe.metrics import ApiMetrics
from kaiji.settings import Settings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
SETTINGS = {f"KAIJI_{name.upper()}" for name in Settings.model_fields}
COMMANDS = set(typer.main.get_command(cli_app).commands)  # type: ignore[attr-defined]


@pytest.fixture(scope="module")
def routes(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    app = create_app(Settings(data_dir=tmp_path_factory.mktemp("deploy")))
    return set(app.openapi()["paths"])  # every route, whichever way its router was included


def kaiji_vars(env: dict[str, object]) -> set[str]:
    return {k for k in env if k.startswith("KAIJI_")}


def assert_settings(names: set[str], where: str) -> None:
    unknown = names - SETTINGS
    assert not unknown, f"{where} sets {sorted(unknown)}, which kaiji/settings.py does not read"


def k8s_docs() -> list[dict]:
    docs = []
    for path in sorted((DEPLOY / "k8s").glob("*.yaml")):
        if path.name == "kustomization.yaml":
            continue
        docs += [d | {"_file": path.name} for d in yaml.safe_load_all(path.read_text()) if d]
    return docs


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def kaiji_services(doc: dict) -> dict[str, dict]:
    return {name: s for name, s in doc["services"].items() if str(s.get("image", "")).startswith("kaiji:")}


def test_dockerfile_is_multi_stage_non_root_with_the_kaiji_entrypoint() -> None:
    text = (DEPLOY / "Dockerfile").read_text()
    lines = [ln.strip() for ln in text.replace("\\\n", " ").splitlines() if ln.strip() and not ln.startswith("#")]
    stages = [ln for ln in lines if ln.upper().startswith("FROM ")]
    assert len(stages) >= 2 and any("--from=" in ln for ln in lines if ln.upper().startswith("COPY"))
    user = [ln.split(None, 1)[1] for ln in lines if ln.upper().startswith("USER ")]
    assert user and user[-1].split(":")[0] not in ("0", "root")
    assert json.loads(next(ln for ln in lines if ln.startswith("ENTRYPOINT")).split(None, 1)[1]) == ["kaiji"]
    assert json.loads(next(ln for ln in lines if ln.startswith("CMD")).split(None, 1)[1])[0] in COMMANDS
    env = set(re.findall(r"\b(KAIJI_[A-Z_]+)=", text))
    assert_settings(env, "Dockerfile")
    copied = {m for m in re.findall(r"^COPY (\S+)", text, re.M)}
    for package in ("activities", "api", "domain", "kaiji", "store", "workflows"):  # pyproject's packages
        assert package in copied, f"Dockerfile does not copy {package}/"
    assert "font_path()" in text  # the notice font is checked at build time


def test_compose_services_use_settings_commands_and_paths_that_exist(routes: set[str]) -> None:
    doc = compose()
    services = kaiji_services(doc)
    commands = sorted(s["command"][0] for s in services.values())
    assert commands == ["api", "api", "migrate", "worker", "worker"]
    assert set(commands) <= COMMANDS
    images = {s["image"] for s in services.values()}
    assert len(images) == 1
    for name, s in services.items():
        assert_settings(kaiji_vars(s["environment"]), f"compose service {name}")
        assert s["environment"]["KAIJI_DATABASE_URL"].startswith("postgresql://")
        test = " ".join(s.get("healthcheck", {}).get("test", []))
        for path in re.findall(r"http://[^/]+(/[a-z]+)", test):
            assert path in routes, f"compose {name} healthcheck calls {path}, not a route"
        if s["command"] == ["worker"]:
            assert s["environment"]["KAIJI_WORKER_METRICS_HOST"] == "0.0.0.0"
        if s["command"] == ["api"]:  # the registration limit is on in production (0 would switch it off)
            assert int(s["environment"]["KAIJI_REGISTRATION_RATE_LIMIT"]) > 0
    assert {"temporal", "temporal-ui", "temporal-postgres", "postgres", "proxy"} <= set(doc["services"])
    assert doc["services"]["temporal"]["environment"]["DB"].startswith("postgres")
    # every secret compose interpolates is in the example env file
    body = "\n".join(ln for ln in (DEPLOY / "compose.yaml").read_text().splitlines() if not ln.lstrip().startswith("#"))
    wanted = set(re.findall(r"\$\{([A-Z_]+)", body))
    example = {ln.split("=")[0] for ln in (DEPLOY / "env.example").read_text().splitlines() if "=" in ln}
    assert wanted <= example, sorted(wanted - example)
    # the TLS proxy sends traffic to both API services, on the port they listen on
    upstream = set(re.findall(r"server (\S+):(\d+)", (DEPLOY / "nginx.conf").read_text()))
    apis = {n for n, s in services.items() if s["command"] == ["api"]}
    assert {host for host, _ in upstream} == apis
    assert {port for _, port in upstream} == {str(Settings.model_fields["api_port"].default)}


def test_kubernetes_manifests_agree_with_settings_cli_and_routes(routes: set[str]) -> None:
    docs = k8s_docs()
    kinds = {(d["kind"], d["metadata"]["name"]) for d in docs}
    config = {d["metadata"]["name"]: d for d in docs if d["kind"] in ("ConfigMap", "Secret")}
    for name, d in config.items():
        assert_settings({k for k in kaiji_vars(d.get("data") or d.get("stringData") or {})}, f"k8s {name}")
    kustomization = yaml.safe_load((DEPLOY / "k8s" / "kustomization.yaml").read_text())
    assert set(kustomization["resources"]) == {p.name for p in (DEPLOY / "k8s").glob("*.yaml")} - {"kustomization.yaml"}

    pods = {(d["kind"], d["metadata"]["name"]): d["spec"]["template"]["spec"] for d in docs
            if d["kind"] in ("Deployment", "Job")}
    assert {("Deployment", "kaiji-api"), ("Deployment", "kaiji-worker"), ("Job", "kaiji-migrate")} <= set(pods)
    images = set()
    for (_kind, name), spec in pods.items():
        assert spec["securityContext"]["runAsNonRoot"] is True and spec["securityContext"]["runAsUser"] != 0
        volumes = {v["name"]: v for v in spec.get("volumes", [])}
        for c in spec["containers"]:
            images.add(c["image"])
            assert c["args"][0] in COMMANDS, f"{name}: {c['args']} is not a kaiji command"
            env = {e["name"]: e.get("value") for e in c.get("env", [])}
            assert_settings(set(env), f"k8s {name}")
            sources = {}
            for ref in c.get("envFrom", []):
                kind_ref, ref_name = ("ConfigMap", ref["configMapRef"]["name"]) if "configMapRef" in ref \
                    else ("Secret", ref["secretRef"]["name"])
                assert (kind_ref, ref_name) in kinds, f"{name} reads {kind_ref} {ref_name}, which is not defined"
                sources |= config[ref_name].get("data") or config[ref_name].get("stringData")
            sources |= env
            assert "KAIJI_DATABASE_URL" in sources and "KAIJI_TEMPORAL_ADDRESS" in sources
            mounts = [m["mountPath"] for m in c.get("volumeMounts", [])]
            for m in c.get("volumeMounts", []):
                secret = volumes[m["name"]].get("secret")
                assert not secret or ("Secret", secret["secretName"]) in kinds
            # every file a setting points at is inside a mounted volume
            files = [v for k, v in sources.items() if k.startswith("KAIJI_TEMPORAL_TLS_") and str(v).startswith("/")]
            files += re.findall(r"sslrootcert=([^&\s]+)", str(sources.get("KAIJI_DATABASE_URL", "")))
            for f in files:
                assert any(f.startswith(mp + "/") for mp in mounts), f"{name}: {f} is not in a mounted volume"
            if c["args"] == ["api"]:
                assert int(sources["KAIJI_REGISTRATION_RATE_LIMIT"]) > 0
                assert c["livenessProbe"]["httpGet"]["path"] == "/healthz"
                assert c["readinessProbe"]["httpGet"]["path"] == "/readyz"
                for probe in ("livenessProbe", "readinessProbe"):
                    assert c[probe]["httpGet"]["path"] in routes
                    assert str(c[probe]["httpGet"]["port"]) == env["KAIJI_API_PORT"]
                assert env["KAIJI_API_HOST"] == "0.0.0.0"
            if c["args"] == ["worker"]:
                assert str(c["livenessProbe"]["httpGet"]["port"]) == env["KAIJI_WORKER_METRICS_PORT"] != "0"
    assert len(images) == 1 and images == {s["image"] for s in kaiji_services(compose()).values()}
    hpa = next(d for d in docs if d["kind"] == "HorizontalPodAutoscaler")
    assert hpa["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "kaiji-worker"}
    assert hpa["spec"]["minReplicas"] >= 2


def test_grafana_dashboard_reads_metrics_the_api_exports() -> None:
    dash = json.loads((DEPLOY / "grafana" / "kaiji-dashboard.json").read_text())
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "gauge": ("",)}
    exported = {family.name + suffix for family in ApiMetrics().registry.collect()
                for suffix in suffixes[family.type]}
    exprs = [t["expr"] for p in dash["panels"] for t in p["targets"]]
    assert exprs
    used = {m for e in exprs for m in re.findall(r"\b(kaiji_[a-z_]+)", e)}
    assert used and used <= exported, sorted(used - exported)
    assert any("temporal_activity_execution_failed" in e for e in exprs)  # notice failures, from the worker
