#!/usr/bin/env python3
"""The add-on (deploy/homeassistant/addon) as the Supervisor reads it, and its run script's
translation of options into the suite's environment.

1. config.yaml against the Supervisor's add-on schema, transcribed below from
   home-assistant/supervisor (supervisor/addons/validate.py `_SCHEMA_ADDON_CONFIG`, the keys this
   add-on can use; supervisor/validate.py; supervisor/addons/const.py RE_SLUG; read 2026-12-01).
   The Supervisor drops unknown keys silently (REMOVE_EXTRA): here they are an error, since a
   misspelt key would otherwise just not apply.
2. The default options and every options/*.json against the add-on's own `schema`, the way
   the Supervisor's AddonOptions validates them (supervisor/addons/options.py): good-*.json must
   pass, bad-*.json must be refused.
3. addon_env.py on each good-*.json with the Supervisor's MQTT answer: the environment it writes,
   sourced by bash, holds what the options and the broker say — passwords with quotes and
   spaces included — and bad inputs exit 1 naming the option.
"""
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

try:
    import voluptuous as vol
    import yaml
except ImportError as e:
    print(f"FAILED: {e.name} is not installed (deploy/packages.txt installs python3-voluptuous and python3-yaml)")
    sys.exit(1)

ROOT = Path(__file__).resolve().parents[2]
ADDON = ROOT / "deploy" / "homeassistant" / "addon"
HERE = Path(__file__).resolve().parent
failures = []

# --- transcribed from the Supervisor ------------------------------------------------------
RE_SLUG = r"[-_.A-Za-z0-9]+"  # supervisor/addons/const.py
ARCH_ALL = ["armhf", "armv7", "aarch64", "amd64", "i386"]  # supervisor/const.py
STARTUP = ["initialize", "system", "services", "application", "once"]  # AddonStartup
BOOT = ["auto", "manual", "manual_only"]  # AddonBootConfig
STAGE = ["stable", "experimental", "deprecated"]  # AddonStage
MAPPING = ["data", "config", "ssl", "addons", "backup", "share", "media", "homeassistant_config",
           "all_addon_configs", "addon_config"]  # MappingType
ROLE_ALL = ["default", "homeassistant", "backup", "manager", "admin"]
RE_SERVICE = r"^(?P<service>mqtt|mysql):(?P<rights>provide|want|need)$"
RE_SCHEMA_ELEMENT = re.compile(
    r"^(?:"
    r"|bool"
    r"|email"
    r"|url"
    r"|port"
    r"|device(?:\((?P<filter>subsystem=[a-z]+)\))?"
    r"|str(?:\((?P<s_min>\d+)?,(?P<s_max>\d+)?\))?"
    r"|password(?:\((?P<p_min>\d+)?,(?P<p_max>\d+)?\))?"
    r"|int(?:\((?P<i_min>\d+)?,(?P<i_max>\d+)?\))?"
    r"|float(?:\((?P<f_min>[\d\.]+)?,(?P<f_max>[\d\.]+)?\))?"
    r"|match\((?P<match>.*)\)"
    r"|list\((?P<list>.+)\)"
    r")\??$"
)
network_port = vol.All(vol.Coerce(int), vol.Range(min=1, max=65535))
docker_port = vol.All(str, vol.Match(r"^\d+(?:/tcp|/udp)?$"))
version_tag = vol.All(vol.Coerce(str), vol.Length(min=1))  # AwesomeVersion accepts any text
SCHEMA_ELEMENT = vol.Schema(vol.Any(vol.Match(RE_SCHEMA_ELEMENT), [vol.Any(vol.Match(RE_SCHEMA_ELEMENT), {str: vol.Self})],
                                    {str: vol.Self}))
SCHEMA_ADDON_CONFIG = vol.Schema({
    vol.Required("name"): str,
    vol.Required("version"): version_tag,
    vol.Required("slug"): vol.Match(f"^{RE_SLUG}$"),
    vol.Required("description"): str,
    vol.Required("arch"): [vol.In(ARCH_ALL)],
    vol.Optional("url"): vol.Url(),
    vol.Optional("startup"): vol.In(STARTUP),
    vol.Optional("boot"): vol.In(BOOT),
    vol.Optional("init"): vol.Boolean(),
    vol.Optional("advanced"): vol.Boolean(),
    vol.Optional("stage"): vol.In(STAGE),
    vol.Optional("ports"): vol.Schema({docker_port: vol.Maybe(network_port)}),
    vol.Optional("ports_description"): vol.Schema({docker_port: str}),
    vol.Optional("watchdog"): vol.Match(r"^(?:https?|\[PROTO:\w+\]|tcp):\/\/\[HOST\]:(\[PORT:\d+\]|\d+).*$"),
    vol.Optional("webui"): vol.Match(r"^(?:https?|\[PROTO:\w+\]):\/\/\[HOST\]:\[PORT:\d+\].*$"),
    vol.Optional("homeassistant"): version_tag,
    vol.Optional("host_network"): vol.Boolean(),
    vol.Optional("map"): [vol.Schema({vol.Required("type"): vol.In(MAPPING), vol.Optional("read_only"): bool,
                                      vol.Optional("path"): str})],
    vol.Optional("environment"): {vol.Match(r"\w*"): str},
    vol.Optional("hassio_api"): vol.Boolean(),
    vol.Optional("hassio_role"): vol.In(ROLE_ALL),
    vol.Optional("homeassistant_api"): vol.Boolean(),
    vol.Optional("auth_api"): vol.Boolean(),
    vol.Optional("services"): [vol.Match(RE_SERVICE)],
    vol.Optional("discovery"): [str],
    vol.Optional("backup_exclude"): [str],
    vol.Optional("options"): dict,
    vol.Optional("schema"): vol.Any(vol.Schema({str: SCHEMA_ELEMENT}), False),
    vol.Optional("image"): vol.Match(r"^([a-zA-Z\-\.:\d{}]+/)*?([\-\w{}]+)/([\-\w{}]+)$"),
    vol.Optional("timeout"): vol.All(vol.Coerce(int), vol.Range(min=10, max=300)),
    vol.Optional("journald"): vol.Boolean(),
})


def validate_options(schema, options):
    """supervisor/addons/options.py AddonOptions, for the types this add-on uses."""
    out = {}
    for key, value in options.items():
        if key not in schema:
            raise vol.Invalid(f"option {key!r} is not in the schema (the Supervisor drops it)")
        typ = schema[key]
        m = RE_SCHEMA_ELEMENT.match(typ)
        if not m:
            raise vol.Invalid(f"unknown type {typ!r} for {key}")
        if value is None:
            raise vol.Invalid(f"missing required option {key!r}")
        ranges = {g[2:]: float(m.group(g)) for g in ("i_min", "i_max", "f_min", "f_max") if m.group(g)}
        if typ.startswith(("str", "password")):
            out[key] = str(value)
        elif typ.startswith("int"):
            out[key] = vol.All(vol.Coerce(int), vol.Range(**ranges))(value)
        elif typ.startswith("bool"):
            out[key] = vol.Boolean()(value)
        elif typ.startswith("port"):
            out[key] = network_port(value)
        elif typ.startswith("match"):
            out[key] = vol.Match(m.group("match"))(str(value))
        elif typ.startswith("list"):
            out[key] = vol.In(m.group("list").split("|"))(str(value))
        else:
            raise vol.Invalid(f"type {typ} is not modelled here")
    for key, typ in schema.items():
        if key not in out and not str(typ).endswith("?"):
            raise vol.Invalid(f"missing option {key!r}")
    return out


# --- 1. config.yaml ------------------------------------------------------------------------
config = yaml.safe_load((ADDON / "config.yaml").read_text())
try:
    SCHEMA_ADDON_CONFIG(config)
    print(f"config.yaml: valid for the Supervisor ({len(config)} keys)")
except vol.Invalid as e:
    failures.append(f"config.yaml: {e}")
for key, want in (("homeassistant_api", True), ("services", ["mqtt:need"])):
    if config.get(key) != want:
        failures.append(f"config.yaml: {key} must be {want}")
for name in ("Dockerfile", "run.sh", "addon_env.py", "translations/en.yaml"):
    if not (ADDON / name).is_file():
        failures.append(f"{name} is missing")
translations = yaml.safe_load((ADDON / "translations" / "en.yaml").read_text())["configuration"]
for key in config["schema"]:
    if key not in translations:
        failures.append(f"translations/en.yaml: option {key} has no name")
# The checker must refuse what the Supervisor refuses (so that it can fail at all).
for broken, why in (({**config, "arch": ["x86"]}, "an unknown arch"), ({**config, "slug": "no spaces"}, "a bad slug"),
                    ({**config, "services": ["mqtt:required"]}, "a bad service"),
                    ({**config, "schema": {**config["schema"], "home": "string"}}, "an unknown schema type")):
    try:
        SCHEMA_ADDON_CONFIG(broken)
        failures.append(f"the transcribed schema accepted {why}")
    except vol.Invalid:
        pass

# --- 2. options ----------------------------------------------------------------------------
try:
    validate_options(config["schema"], config["options"])
except vol.Invalid as e:
    failures.append(f"the default options do not pass the add-on's schema: {e}")
for path in sorted((HERE / "options").glob("*.json")):
    try:
        validate_options(config["schema"], json.loads(path.read_text()))
        if path.name.startswith("bad-"):
            failures.append(f"{path.name} passed the schema but must be refused")
    except vol.Invalid as e:
        if path.name.startswith("good-"):
            failures.append(f"{path.name} was refused: {e}")

# --- 3. addon_env.py -----------------------------------------------------------------------
MQTT = {"result": "ok", "data": {"addon": "core_mosquitto", "host": "core-mosquitto", "port": 1883, "ssl": False,
                                 "protocol": "3.1.1", "username": "addons", "password": "p'w \"d $x"}}


def env_of(options, mqtt=MQTT, token="supervisor-token"):
    with tempfile.TemporaryDirectory() as d:
        (Path(d) / "options.json").write_text(json.dumps(options))
        (Path(d) / "mqtt.json").write_text(json.dumps(mqtt))
        run = subprocess.run(["/usr/bin/python3", str(ADDON / "addon_env.py"), f"{d}/options.json", f"{d}/mqtt.json"],
                             capture_output=True, text=True, env={**os.environ, "SUPERVISOR_TOKEN": token})
        if run.returncode != 0:
            return None, run.stderr.strip()
        (Path(d) / "env").write_text(run.stdout)
        shown = subprocess.run(["bash", "-c", f"source {d}/env && env"], capture_output=True, text=True, check=True)
        env = dict(line.split("=", 1) for line in shown.stdout.splitlines() if line.startswith("OCCUPANCY_"))
        return env, ""


good = json.loads((HERE / "options" / "good-external-db.json").read_text())
env, err = env_of(good)
expect = {"OCCUPANCY_MQTT_URL": "mqtt://addons@core-mosquitto:1883", "OCCUPANCY_MQTT_PASSWORD": "p'w \"d $x",
          "OCCUPANCY_HA_URL": "http://supervisor:80/core", "OCCUPANCY_HA_TOKEN": "supervisor-token",
          "OCCUPANCY_DB_URL": good["database_url"], "OCCUPANCY_CONFIG": "/config/home.yaml",
          "OCCUPANCY_LOG_LEVEL": "debug", "OCCUPANCY_TRAIN_AT": "04:15", "OCCUPANCY_HOME": "flat",
          "OCCUPANCY_API_TOKEN": good["api_token"], "OCCUPANCY_HTTP_BIND": "0.0.0.0"}
for k, v in expect.items():
    if env is None or env.get(k) != v:
        failures.append(f"addon_env.py on good-external-db.json: {k} = {None if env is None else env.get(k)!r}, "
                        f"expected {v!r} ({err})")
if env is not None and "OCCUPANCY_EMBEDDED_DB" in env:
    failures.append("addon_env.py: an external database must not start the embedded one")
env, err = env_of(json.loads((HERE / "options" / "good-defaults.json").read_text()),
                  {"result": "ok", "data": {"host": "10.0.0.2", "port": 8883, "ssl": True}})
if env is None or env.get("OCCUPANCY_EMBEDDED_DB") != "/data/postgres" or \
        env.get("OCCUPANCY_MQTT_URL") != "mqtts://10.0.0.2:8883" or "OCCUPANCY_MQTT_PASSWORD" in env:
    failures.append(f"addon_env.py on good-defaults.json with a TLS broker without a user: {env} ({err})")
for options, mqtt, token, why in (
        ({**good, "database_url": ""}, MQTT, "t", "option database_url"),
        ({**good, "train_at": "25:00"}, MQTT, "t", "option train_at"),
        (good, {"result": "error", "message": "No service"}, "t", "no MQTT service"),
        (good, MQTT, "", "SUPERVISOR_TOKEN")):
    env, err = env_of(options, mqtt, token)
    if env is not None or why not in err:
        failures.append(f"addon_env.py should refuse ({why}), said {err!r}")
    if "p'w" in err or "supervisor-token" in err:
        failures.append("addon_env.py printed a secret in an error")

for f in failures:
    print("FAIL:", f)
print(f"add-on: {len(failures)} problems")
sys.exit(1 if failures else 0)
