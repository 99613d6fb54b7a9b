#!/usr/bin/env python3
"""The shipped Grafana dashboards are importable as they are: valid JSON, a stable uid equal to
the file name (so a push or an import overwrites, never duplicates), every panel titled and
described, every query bound to a data-source variable the dashboard declares (no uid of one
particular Grafana), every SQL query scoped to the `$home` variable. Their queries are run
against the real servers by alerts_it (PromQL) and end_to_end_it (SQL)."""
import json, pathlib, re, sys

root = pathlib.Path(__file__).resolve().parents[2] / "deploy" / "grafana"
problems, uids = [], set()
files = sorted(root.glob("*.json"))
if len(files) < 4:
    problems.append(f"expected the four dashboards, found {len(files)}")
for f in files:
    d = json.loads(f.read_text())
    uid = d.get("uid", "")
    if uid != f.stem:
        problems.append(f"{f.name}: uid '{uid}' is not the file name")
    if uid in uids:
        problems.append(f"{f.name}: uid '{uid}' used twice")
    uids.add(uid)
    declared = {v["name"] for v in d.get("templating", {}).get("list", [])}
    for key in ("title", "description", "panels"):
        if not d.get(key):
            problems.append(f"{f.name}: no {key}")
    sources = [(p.get("title", "?"), t) for p in d["panels"] for t in p.get("targets", [])]
    sources += [("annotation " + a.get("name", "?"), a) for a in d.get("annotations", {}).get("list", [])]
    for p in d["panels"]:
        if not p.get("title") or not p.get("description"):
            problems.append(f"{f.name}: panel {p.get('id')} lacks a title or a description")
        if not p.get("targets"):
            problems.append(f"{f.name}: panel '{p.get('title')}' has no query")
    for where, t in sources:
        ds = t.get("datasource", {})
        var = re.fullmatch(r"\$\{(\w+)\}", ds.get("uid", ""))
        if not var or var.group(1) not in declared:
            problems.append(f"{f.name}: {where}: data source {ds} is not a declared variable")
        text = t.get("expr") or t.get("rawSql") or t.get("rawQuery") or ""
        if not text:
            problems.append(f"{f.name}: {where}: an empty query")
        if ds.get("type") == "grafana-postgresql-datasource" and "home = '$home'" not in text:
            problems.append(f"{f.name}: {where}: SQL not scoped to home = '$home'")
        for used in re.findall(r"\$(\w+)", text):
            if not used.startswith("__") and used not in declared:
                problems.append(f"{f.name}: {where}: variable ${used} is not declared")
if problems:
    print("\n".join(problems))
    sys.exit(1)
print(f"{len(files)} dashboards: uids {sorted(uids)}, every query bound to declared variables")
