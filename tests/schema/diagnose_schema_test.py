#!/usr/bin/env python3
"""Validates real `ikelab diagnose --json` output against docs/diagnose.schema.json.

The inputs are real logs kept in the repository: the lab's captures
(tests/data/logs/<scenario>/ike<N>/, both peers' logs as a pair), the
vendor guides' excerpts (tests/data/seeds) and the public user logs of the
real corpus (tests/data/real/*/log.txt, with peer_log.txt as a pair). Fails when one output does not match
the schema, when a run ends with an exit status other than 0/1, or when the
outputs never exercised the schema's optional keys (candidates, excerpt).

usage: diagnose_schema_test.py IKELAB SCHEMA DATA_DIR
"""
import json
import pathlib
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import jsonschema


def main():
    ikelab, schema_path, data = sys.argv[1], pathlib.Path(sys.argv[2]), pathlib.Path(sys.argv[3])
    schema = json.loads(schema_path.read_text())
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)

    runs = []
    for case in sorted((data / "logs").glob("*/ike[12]")):
        logs = [case / "initiator.log", case / "responder.log"]
        logs = [str(p) for p in logs if p.is_file()]
        if logs:
            runs.append(logs)
    runs += [[str(p)] for p in sorted((data / "seeds").glob("*.log"))]
    for log in sorted((data / "real").glob("*/log.txt")):
        runs.append([str(log)])
        peer = log.with_name("peer_log.txt")
        if peer.is_file():
            runs.append([str(log), str(peer)])
    if len(runs) < 100:
        print(f"only {len(runs)} inputs found under {data}: wrong folder?")
        return 1

    def diagnose(logs):
        return logs, subprocess.run([ikelab, "diagnose", "--json", "--threads", "1", *logs],
                                    capture_output=True, text=True)

    failures, diagnoses, seen = [], 0, set()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(diagnose, runs))
    for logs, proc in results:
        if proc.returncode not in (0, 1):
            failures.append(f"{' '.join(logs)}: exit status {proc.returncode}: {proc.stderr.strip()}")
            continue
        try:
            doc = json.loads(proc.stdout)
        except json.JSONDecodeError as e:
            failures.append(f"{' '.join(logs)}: not JSON: {e}")
            continue
        errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.path))
        for e in errors[:3]:
            failures.append(f"{' '.join(logs)}: {'/'.join(map(str, e.path))}: {e.message}")
        for d in doc.get("diagnoses", []):
            diagnoses += 1
            seen.update(k for k in ("candidates", "excerpt", "rule") if k in d)

    print(f"{len(runs)} runs, {diagnoses} diagnoses validated against {schema_path.name}")
    for f in failures:
        print("FAIL", f)
    for key in ("candidates", "excerpt", "rule"):
        if key not in seen:
            failures.append(f"no output had '{key}': the optional part of the schema was never checked")
            print("FAIL", failures[-1])
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
