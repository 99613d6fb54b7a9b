#!/usr/bin/env python3
"""Checks an HA automation blueprint: the blueprint header HA requires (name, domain
automation, input), every `!input` names a declared input, and the triggers/actions use
the keys HA's automation schema expects."""
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
doc = yaml.load(open(sys.argv[1]), Loader=Loader)
bp = doc.get("blueprint", {})
for key in ("name", "domain", "input"):
    if key not in bp:
        errors.append(f"blueprint.{key} missing")
if bp.get("domain") != "automation":
    errors.append("domain must be automation")
declared = set(bp.get("input", {}))
for name in used:
    if name not in declared:
        errors.append(f"!input {name} is not declared")
for name in declared - set(used):
    errors.append(f"input {name} is declared but never used")
triggers = doc.get("trigger") or doc.get("triggers")
actions = doc.get("action") or doc.get("actions")
if not triggers or not actions:
    errors.append("trigger and action are required")
for t in triggers or []:
    if t.get("platform", t.get("trigger")) != "numeric_state" or not ("above" in t or "below" in t):
        errors.append(f"trigger {t} is not a numeric_state with above/below")
for e in errors:
    print("FAIL:", e)
print(f"{sys.argv[1]}: {len(declared)} inputs, {len(triggers or [])} triggers, {len(errors)} problems")
sys.exit(1 if errors else 0)
