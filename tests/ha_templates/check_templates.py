#!/usr/bin/env python3
"""Renders every value_template of the discovery configs the way Home Assistant's MQTT
integration does (Jinja2, `value_json` = the parsed state payload, `value` = the raw text)
against example states, and checks each result is a valid state for its entity:
  sensor with unit %       -> a number in [0, 100], or "None" where the state lacks it
  sensor, device_class duration -> a number >= 0, or "None" (HA: unknown)
  binary_sensor            -> its payload_on / payload_off ("ON" / "OFF"), or "None"
  sensor, measurement without a unit (a Brier score) -> a number in [0, 1], or "None"
  diagnostic text sensor   -> a non-empty string under 255 characters
  sensor, device_class timestamp -> an ISO 8601 time with its zone
and every json_attributes_template to a JSON object (HA ignores anything else). The hub's entities
are rendered against example payloads of the topics they read (model, hub). Also: Occupied
follows occupied_now, Sensor problem is on exactly when a sensor is in a gap or the forecast was
unreliable, and its attributes name the sensors.
Reads `occupancy ha preview` output on stdin. Exit 0 when all are valid."""
import json
import sys
from datetime import datetime

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

def examples(cmp):
    """The example payloads of the component's state topic: the hub's entities read the model
    announcement and the hub's state; a room's read its HA state."""
    return preview["example_payloads"].get(cmp.get("state_topic"), preview["example_states"])


for device in preview["discovery"]:
    for key, cmp in device["payload"]["cmps"].items():
        if "value_template" not in cmp:  # a button; a connectivity sensor reading online/offline as sent
            if cmp["platform"] == "binary_sensor" and (cmp.get("payload_on"), cmp.get("payload_off")) != ("online", "offline"):
                errors.append(f'{device["topic"]} {key}: a binary_sensor without a template must read online/offline')
            continue
        template = env.from_string(cmp["value_template"])
        for state in examples(cmp):
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
            elif cmp.get("device_class") == "timestamp":
                try:  # HA needs a time with its zone
                    if datetime.fromisoformat(out.replace("Z", "+00:00")).tzinfo is None:
                        errors.append(f"{where}: timestamp without a zone {out!r}")
                except ValueError:
                    errors.append(f"{where}: timestamp {out!r}")
            elif cmp.get("unit_of_measurement") == "%":  # "None" where the state lacks it: checked per horizon below
                if out != "None" and not (is_number(out) and 0 <= float(out) <= 100):
                    errors.append(f"{where}: percentage {out!r}")
            elif cmp.get("state_class") == "measurement":  # a score: the Brier
                if out != "None" and not (is_number(out) and 0 <= float(out) <= 1):
                    errors.append(f"{where}: score {out!r}")
            elif not out or len(out) > 255 or out == "None":
                errors.append(f"{where}: text state {out!r}")

for device in preview["discovery"]:
    for key, cmp in device["payload"]["cmps"].items():
        if "json_attributes_template" not in cmp:
            continue
        if cmp.get("json_attributes_topic") != cmp["state_topic"]:
            errors.append(f'{device["topic"]} {key}: attributes from another topic')
        template = env.from_string(cmp["json_attributes_template"])
        for state in examples(cmp):
            where = f'{device["topic"]} {key} attributes with {state}'
            try:
                attrs = json.loads(template.render(value_json=state, value=json.dumps(state)))
            except (jinja2.TemplateError, ValueError) as err:
                errors.append(f"{where}: {err}")
                continue
            rendered += 1
            if not isinstance(attrs, dict):
                errors.append(f"{where}: not a JSON object: {attrs!r}")

def render(device, key, state):
    return env.from_string(device["payload"]["cmps"][key]["value_template"]).render(value_json=state).strip()

def attributes(device, key, state):
    cmp = device["payload"]["cmps"][key]
    return json.loads(env.from_string(cmp["json_attributes_template"]).render(value_json=state))

def horizons(device):
    """A room's horizons, as its discovery announces them (occupancy_<minutes>), in minutes order."""
    keys = [k[len("occupancy_"):] for k in device["payload"]["cmps"] if k.startswith("occupancy_")]
    return sorted(keys, key=int)

rooms = [d for d in preview["discovery"] if "occupied" in d["payload"]["cmps"]]
hub = [d for d in preview["discovery"] if "active_model" in d["payload"]["cmps"]]
if len(hub) != 1 or not rooms:
    errors.append(f"expected the hub and the rooms, got {len(hub)} hub(s), {len(rooms)} rooms")
for device in hub:  # the active model and the dead letters read what the topics carry
    cmps = device["payload"]["cmps"]
    for m in preview["example_payloads"][cmps["active_model"]["state_topic"]]:
        if render(device, "active_model", m) != m["version"]:
            errors.append(f"hub: Active model does not show the version of {m}")
        if render(device, "candidate_model", m) != m.get("candidate", "none"):
            errors.append(f"hub: Candidate model wrong for {m}")
    for h in preview["example_payloads"][cmps["dead_letters"]["state_topic"]]:
        if render(device, "dead_letters", h) != str(h["dead_letters_last_hour"]):
            errors.append(f"hub: Dead letters wrong for {h}")
for device in rooms:
    for state in preview["example_states"]:
        if render(device, "occupied", state) != ("ON" if state["occupied_now"] else "OFF"):
            errors.append(f'{device["topic"]}: Occupied does not follow occupied_now in {state}')
        problem = bool(state.get("problem_entities")) or not state.get("reliable", True)
        if render(device, "sensor_problem", state) != ("ON" if problem else "OFF"):
            errors.append(f'{device["topic"]}: Sensor problem wrong for {state}')
        # Expected occupied follows the room's threshold (set in HA), else the config's, per horizon.
        for h in horizons(device):
            cmp = device["payload"]["cmps"][f"threshold_{h}"]
            threshold = state.get("threshold_pct", {}).get(h, float(render(device, f"threshold_{h}", {})))
            p = state["occupancy_pct"].get(h)
            if render(device, f"occupancy_{h}", state) != ("None" if p is None else str(p)):
                errors.append(f'{device["topic"]}: Occupancy in {h} min shows {render(device, f"occupancy_{h}", state)} for {state}')
            want = "ON" if p is not None and p >= threshold else "OFF"
            if render(device, f"expected_occupied_{h}", state) != want:
                errors.append(f'{device["topic"]}: Expected occupied {h} wrong for {state}')
            if float(render(device, f"threshold_{h}", state)) != threshold:
                errors.append(f'{device["topic"]}: threshold {h} shows {render(device, f"threshold_{h}", state)}')
            sent = json.loads(env.from_string(cmp["command_template"]).render(value=42.0))
            if sent != {"threshold_pct": {h: 42.0}}:
                errors.append(f'{device["topic"]}: the threshold {h} number sends {sent}')
            # How the forecasts did live, with how many matured forecasts it rests on.
            for key, field in ((f"live_accuracy_{h}", "live_accuracy_pct"), (f"live_brier_{h}", "live_brier")):
                v = state.get(field, {}).get(h)
                if render(device, key, state) != ("None" if v is None else str(v)):
                    errors.append(f'{device["topic"]}: {key} shows {render(device, key, state)} for {state}')
                if attributes(device, key, state)["matured_forecasts"] != state.get("live_matured", {}).get(h, 0):
                    errors.append(f'{device["topic"]}: {key} attributes wrong for {state}')
        if not any(s.get("live_brier") for s in preview["example_states"]):
            errors.append("no example state carries live scores")
        for k in [c[len("vacant_within_"):] for c in device["payload"]["cmps"] if c.startswith("vacant_within_")]:
            p = state.get("vacant_within_pct", {}).get(k)
            if render(device, f"vacant_within_{k}", state) != ("None" if p is None else str(p)):
                errors.append(f'{device["topic"]}: Vacant within {k} min wrong for {state}')
        if attributes(device, "sensor_problem", state)["entities"] != state.get("problem_entities", []):
            errors.append(f'{device["topic"]}: Sensor problem attributes do not name the sensors in {state}')
        forecast = attributes(device, f"occupancy_{horizons(device)[-1]}", state)
        if forecast["model_version"] != state["model_version"] or forecast["forecast_made_at"] != state["ts"]:
            errors.append(f'{device["topic"]}: forecast attributes wrong for {state}')
    if not horizons(device):
        errors.append(f'{device["topic"]}: no forecast horizon announced')
    if not any(s.get("problem_entities") for s in preview["example_states"]):
        errors.append("no example state has a sensor in a gap")

# The duration that does not apply must be unknown ("None"), never 0.
for device in rooms:
    vac = device["payload"]["cmps"]["time_to_vacancy"]["value_template"]
    vacant = next(s for s in preview["example_states"] if not s["occupied_now"])
    if env.from_string(vac).render(value_json=vacant).strip() != "None":
        errors.append(f'{device["topic"]}: time to vacancy of a vacant room is not unknown')

for e in errors:
    print("FAIL:", e)
print(f"{rendered} renders checked, {len(errors)} problems")
sys.exit(1 if errors else 0)
