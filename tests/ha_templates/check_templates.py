#!/usr/bin/env python3
"""Renders every value_template of the discovery configs the way Home Assistant's MQTT
integration does (Jinja2, `value_json` = the parsed state payload, `value` = the raw text)
against example states, and checks each result is a valid state for its entity:
  sensor with unit %       -> a number in [0, 100]
  sensor, device_class duration -> a number >= 0, or "None" (HA: unknown)
  binary_sensor            -> its payload_on / payload_off ("ON" / "OFF"), or "None"
  diagnostic text sensor   -> a non-empty string under 255 characters
Reads `occupancy ha preview` output on stdin. Exit 0 when all are valid."""
import json
import sys

try:
    import jinja2
    from jinja2.sandbox import ImmutableSandboxedEnvironment
except ImportError:
    print("FAILED: python3-jinja2 is not installed (deploy/packages.txt installs it)")
    sys.exit(1)

preview = json.load(sys.stdin)
env = ImmutableSandboxedEnvironment(undefined=jinja2.StrictUndefined)
errors, rendered = [], 0

def is_number(text):
    try:
        float(text)
        return True
    except ValueError:
        return False

for device in preview["discovery"]:
    for key, cmp in device["payload"]["cmps"].items():
        template = env.from_string(cmp["value_template"])
        for state in preview["example_states"]:
            where = f'{device["topic"]} {key} with {state}'
            try:
                out = template.render(value_json=state, value=json.dumps(state)).strip()
            except jinja2.TemplateError as err:
                errors.append(f"{where}: template error {err}")
                continue
            rendered += 1
            if cmp["platform"] == "binary_sensor":
                if out not in (cmp.get("payload_on", "ON"), cmp.get("payload_off", "OFF"), "None"):
                    errors.append(f"{where}: binary state {out!r}")
            elif cmp.get("device_class") == "duration":
                if out != "None" and not (is_number(out) and float(out) >= 0):
                    errors.append(f"{where}: duration {out!r}")
            elif cmp.get("unit_of_measurement") == "%":
                if not (is_number(out) and 0 <= float(out) <= 100):
                    errors.append(f"{where}: percentage {out!r}")
            elif not out or len(out) > 255 or out == "None":
                errors.append(f"{where}: text state {out!r}")

# The duration that does not apply must be unknown ("None"), never 0.
for device in preview["discovery"]:
    vac = device["payload"]["cmps"]["time_to_vacancy"]["value_template"]
    vacant = next(s for s in preview["example_states"] if not s["occupied_now"])
    if env.from_string(vac).render(value_json=vacant).strip() != "None":
        errors.append(f'{device["topic"]}: time to vacancy of a vacant room is not unknown')

for e in errors:
    print("FAIL:", e)
print(f"{rendered} renders checked, {len(errors)} problems")
sys.exit(1 if errors else 0)
