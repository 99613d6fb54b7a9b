#!/usr/bin/env python3
"""Checks an HA automation blueprint's form: the header HA requires (name, domain automation,
input, homeassistant.min_version), every `!input` names a declared input and every input is
used, and the current syntax (HA 2024.10+): `triggers:` with `trigger:` keys, `actions:` with
`action:` keys — not the `platform:` / `service:` forms HA now rewrites. Its behaviour is
walk_blueprints.py's job."""
import re
import sys

try:
    import yaml
except ImportError:
    print("FAILED: python3-yaml is not installed (deploy/packages.txt installs it)")
    sys.exit(1)

used = []


class Loader(yaml.SafeLoader):
    pass


def _input(loader, node):
    name = loader.construct_scalar(node)
    used.append(name)
    return {"__input__": name}


Loader.add_constructor("!input", _input)
errors = []
path = sys.argv[1]
doc = yaml.load(open(path), Loader=Loader)
bp = doc.get("blueprint", {})
for key in ("name", "domain", "input"):
    if key not in bp:
        errors.append(f"blueprint.{key} missing")
if bp.get("domain") != "automation":
    errors.append("domain must be automation")
if not re.fullmatch(r"\d{4}\.\d{1,2}\.\d+", str((bp.get("homeassistant") or {}).get("min_version", ""))):
    errors.append("blueprint.homeassistant.min_version must be a version such as 2025.10.0")
declared = set(bp.get("input", {}))
for name in used:
    if name not in declared:
        errors.append(f"!input {name} is not declared")
for name in declared - set(used):
    errors.append(f"input {name} is declared but never used")
for old, new in (("trigger", "triggers"), ("action", "actions"), ("condition", "conditions")):
    if old in doc:
        errors.append(f"top-level `{old}:` is the old syntax: `{new}:`")
if not doc.get("triggers") or not doc.get("actions"):
    errors.append("triggers and actions are required")
for t in doc.get("triggers") or []:
    if "platform" in t or "trigger" not in t:
        errors.append(f"trigger {t} needs `trigger:` (not `platform:`)")
    elif t["trigger"] == "numeric_state" and not ("above" in t or "below" in t):
        errors.append(f"numeric_state trigger {t} has neither above nor below")


def walk(node):
    if isinstance(node, dict):
        if "service" in node:
            errors.append(f"`service: {node['service']}` is the old syntax: `action:`")
        for v in node.values():
            walk(v)
    elif isinstance(node, list):
        for v in node:
            walk(v)


walk(doc.get("actions"))
for e in errors:
    print("FAIL:", e)
print(f"{path}: {len(declared)} inputs, {len(doc.get('triggers') or [])} triggers, {len(errors)} problems")
sys.exit(1 if errors else 0)
