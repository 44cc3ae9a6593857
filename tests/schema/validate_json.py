#!/usr/bin/env python3
"""usage: validate_json.py SCHEMA FILE...: each FILE (a JSON document) must match SCHEMA."""
import json
import sys

import jsonschema


def main():
    schema = json.load(open(sys.argv[1]))
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    bad = 0
    for path in sys.argv[2:]:
        for e in sorted(validator.iter_errors(json.load(open(path))), key=lambda e: list(e.path))[:5]:
            print(f"{path}: {'/'.join(map(str, e.path))}: {e.message}")
            bad += 1
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
