#!/usr/bin/env python3
"""Turns the add-on's options and the Supervisor's MQTT service into the suite's environment,
as `export NAME='value'` lines for run.sh to source (values shell-quoted; secrets only there,
never printed elsewhere).

usage: addon_env.py OPTIONS_JSON MQTT_SERVICE_JSON
  OPTIONS_JSON       /data/options.json (what the user set, validated by the Supervisor)
  MQTT_SERVICE_JSON  the Supervisor's answer to GET http://supervisor/services/mqtt
                     ({"result": "ok", "data": {"host", "port", "ssl", "username", "password", ...}})
Environment: SUPERVISOR_TOKEN (HA's API through the Supervisor). Exits 1 with one line naming
what is wrong.
"""
import json
import os
import re
import shlex
import sys


def fail(why):
    print(f"occupancy add-on: {why}", file=sys.stderr)
    sys.exit(1)


def main(options_path, mqtt_path):
    try:
        options = json.load(open(options_path))
    except (OSError, ValueError) as e:
        fail(f"cannot read the add-on options {options_path}: {e}")
    try:
        service = json.load(open(mqtt_path))
    except (OSError, ValueError) as e:
        fail(f"cannot read the Supervisor's MQTT service answer: {e}")
    mqtt = service.get("data") if isinstance(service, dict) else None
    if service.get("result") != "ok" or not isinstance(mqtt, dict) or not mqtt.get("host"):
        fail("the Supervisor has no MQTT service: install and start the Mosquitto broker add-on")
    token = os.environ.get("SUPERVISOR_TOKEN", "")
    if not token:
        fail("SUPERVISOR_TOKEN is not set: the add-on needs homeassistant_api")

    home = options.get("home", "home")
    if not re.fullmatch(r"[a-z0-9_]+", home):
        fail(f"option home: expected lower case letters, digits and _, got {home!r}")
    env = {
        "OCCUPANCY_CONFIG": "/config/home.yaml",
        "OCCUPANCY_STATE_DIR": "/data/state",
        "OCCUPANCY_HTTP_BIND": "0.0.0.0",  # the Supervisor's watchdog reaches /healthz on the container's address
        "OCCUPANCY_LOG_LEVEL": options.get("log_level", "info"),
        "OCCUPANCY_HA_URL": "http://supervisor:80/core",  # the Supervisor's proxy to HA (port 80, not HA's 8123)
        "OCCUPANCY_HA_TOKEN": token,
    }
    user = mqtt.get("username") or ""
    scheme = "mqtts" if mqtt.get("ssl") else "mqtt"
    port = int(mqtt.get("port") or (8883 if mqtt.get("ssl") else 1883))
    env["OCCUPANCY_MQTT_URL"] = f"{scheme}://{user + '@' if user else ''}{mqtt['host']}:{port}"
    if mqtt.get("password"):
        env["OCCUPANCY_MQTT_PASSWORD"] = mqtt["password"]

    database = options.get("database", "embedded")
    if database == "embedded":
        env["OCCUPANCY_DB_URL"] = "postgresql://occupancy@/occupancy?host=/run/postgresql"
        env["OCCUPANCY_EMBEDDED_DB"] = "/data/postgres"
    elif database == "external":
        url = options.get("database_url") or ""
        if not re.match(r"^postgres(ql)?://", url):
            fail("option database_url: with database external, expected postgresql://user:password@host/db")
        env["OCCUPANCY_DB_URL"] = url
    else:
        fail(f"option database: expected embedded or external, got {database!r}")
    if options.get("api_token"):
        env["OCCUPANCY_API_TOKEN"] = options["api_token"]
    train_at = options.get("train_at", "03:30")
    if not re.fullmatch(r"([01][0-9]|2[0-3]):[0-5][0-9]", train_at):
        fail(f"option train_at: expected HH:MM, got {train_at!r}")
    env["OCCUPANCY_TRAIN_AT"] = train_at
    env["OCCUPANCY_HOME"] = home
    for name in sorted(env):
        print(f"export {name}={shlex.quote(str(env[name]))}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        fail("usage: addon_env.py OPTIONS_JSON MQTT_SERVICE_JSON")
    main(sys.argv[1], sys.argv[2])
