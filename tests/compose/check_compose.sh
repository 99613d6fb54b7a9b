#!/usr/bin/env bash
# compose.yaml without a Docker engine: Debian's docker-compose validates it and resolves it;
# every file it mounts or builds from exists in the repository; every secret is made by
# deploy/compose-secrets.sh; every service has a healthcheck (or is the one-shot migration);
# the compose Prometheus configuration passes promtool.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
resolved=$(mktemp)
trap 'rm -f "$resolved"' EXIT
HA_URL=http://ha.test:8123 docker-compose -f compose.yaml config >"$resolved"
python3 - "$resolved" "$root" <<'PY'
import os, re, sys, yaml
doc = yaml.safe_load(open(sys.argv[1]))
root = sys.argv[2]
problems = []
services = doc["services"]
for name, s in services.items():
    build = s.get("build")
    if build:
        ctx = build["context"] if isinstance(build, dict) else build
        dockerfile = os.path.join(ctx, build.get("dockerfile", "Dockerfile")) if isinstance(build, dict) else None
        if dockerfile and not os.path.isfile(dockerfile):
            problems.append(f"{name}: build file {dockerfile} is missing")
    for v in s.get("volumes", []):
        src = v["source"] if isinstance(v, dict) else v.split(":")[0]
        kind = v.get("type") if isinstance(v, dict) else ("bind" if src.startswith((".", "/")) else "volume")
        if kind == "bind" and not os.path.exists(src):
            problems.append(f"{name}: mounts {src}, which does not exist")
        if kind == "volume" and src not in (doc.get("volumes") or {}):
            problems.append(f"{name}: volume {src} is not declared")
    if "healthcheck" not in s and s.get("restart") != "no" and name != "prometheus":
        problems.append(f"{name}: no healthcheck")
    for dep, cond in (s.get("depends_on") or {}).items():
        if dep not in services:
            problems.append(f"{name}: depends on unknown service {dep}")
    for sec in s.get("secrets", []):
        src = sec["source"] if isinstance(sec, dict) else sec
        if src not in doc.get("secrets", {}):
            problems.append(f"{name}: secret {src} is not declared")
maker = open(os.path.join(root, "deploy/compose-secrets.sh")).read()
made = set(re.findall(r"\.secrets/([A-Za-z_]+)\b", maker))
for services_list in re.findall(r"for s in ([a-z ]+); do", maker):
    made |= {f"mqtt_{s}" for s in services_list.split()}
for sec, spec in doc.get("secrets", {}).items():
    f = os.path.basename(spec["file"])
    if f not in made:
        problems.append(f"secret {sec}: {spec['file']} is not made by deploy/compose-secrets.sh")
env = services["predictor"]["environment"]
for key in ("OCCUPANCY_DB_URL", "OCCUPANCY_MQTT_URL", "OCCUPANCY_HTTP_BIND", "OCCUPANCY_STATE_DIR"):
    if key not in env:
        problems.append(f"predictor: no {key}")
if "OCCUPANCY_HA_TOKEN_FILE" not in services["ingestor"]["environment"]:
    problems.append("ingestor: no Home Assistant token")
for name, s in services.items():
    for value in (s.get("environment") or {}).values():
        if isinstance(value, str) and re.search(r"://[^/@:]+:[^/@]+@", value):
            problems.append(f"{name}: a password in a URL of its environment")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"compose.yaml: {len(services)} services, {len(doc.get('secrets', {}))} secrets, every file and secret accounted for")
PY
promtool check config deploy/prometheus/compose.yml
