# Copyright: Contributors to the wincontainers.gmsa collection
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validate GMSACredentialSpec resources (a JSON list on stdin) against the CRD of kubernetes-sigs/windows-gmsa.

    validate_crd.py CRD_YAML < resources.json   -> prints "valid N", or exits non-zero with the first problem

The CRD's openAPIV3Schema of the served version the resource's apiVersion names checks the body; fields the
structural schema does not declare would be pruned by the API server, so they count as errors too.
"""

import json
import sys

import jsonschema
import yaml


def undeclared(instance, schema, path=""):
    found = []
    if isinstance(instance, dict) and "properties" in schema:
        for key, value in instance.items():
            if key in schema["properties"]:
                found += undeclared(value, schema["properties"][key], f"{path}.{key}")
            else:
                found.append(f"{path}.{key}")
    elif isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            found += undeclared(item, schema["items"], f"{path}[{index}]")
    return found


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        crd = yaml.safe_load(handle)
    group = crd["spec"]["group"]
    resources = json.load(sys.stdin)
    for resource in resources:
        api_group, version = resource["apiVersion"].split("/")
        if api_group != group or resource["kind"] != crd["spec"]["names"]["kind"]:
            sys.exit(f"{resource['apiVersion']} {resource['kind']} is not a resource of this CRD")
        served = [v for v in crd["spec"]["versions"] if v["name"] == version and v["served"]]
        if not served:
            sys.exit(f"version {version} is not served by the CRD")
        schema = served[0]["schema"]["openAPIV3Schema"]
        if not resource.get("metadata", {}).get("name"):
            sys.exit("metadata.name is missing")
        body = {k: v for k, v in resource.items() if k not in ("apiVersion", "kind", "metadata")}
        jsonschema.validate(body, schema, cls=jsonschema.Draft4Validator)
        extra = undeclared(body, schema)
        if extra:
            sys.exit(f"fields the CRD does not declare: {extra}")
    print(f"valid {len(resources)}")


if __name__ == "__main__":
    main()
