"""
Runs parliament and cloudsplaining over IAM policy documents, once for all of them, and prints one JSON object:
  { "<name>": { "parliament": [finding...], "cloudsplaining": { "default": {...}, "all": {...} } } }
Input: a JSON file mapping names to policy documents (argv[1]).

- parliament: the Python API (analyze_policy_string), with the community auditors, every severity; the CLI reads stdin
  when it is not a TTY and then refuses --file, and writes the policy into /tmp/parliament.log, so it is not used.
- cloudsplaining: scan_policy() twice: "default" (what `scan-policy-file` and checkov CKV_AWS_286-290 report: only
  statements without resource constraints) and "all" (-aR, --flag-all-risky-actions: every risky action, whatever
  its Resource/Condition), so scoped write permissions are still listed.
Used by test/security/policies.test.ts.
"""
import json
import os
import sys

import parliament
from parliament import analyze_policy_string, enhance_finding, override_config

# What `parliament --include-community-auditors` does before analysing: load the community auditors' finding types.
override_config(os.path.join(os.path.dirname(parliament.__file__), "community_auditors", "config_override.yaml"))
from cloudsplaining.command.scan_policy_file import scan_policy
from cloudsplaining.shared.constants import DEFAULT_EXCLUSIONS_CONFIG

CATEGORIES = ["PrivilegeEscalation", "DataExfiltration", "ResourceExposure", "ServiceWildcard",
              "CredentialsExposure", "InfrastructureModification"]


def parliament_findings(name, doc):
    policy = analyze_policy_string(json.dumps(doc), name, include_community_auditors=True, config=parliament.config)
    out = []
    for f in policy.findings:
        f = enhance_finding(f)
        out.append({"issue": f.issue, "severity": f.severity, "title": f.title, "detail": f.detail,
                    "location": f.location})
    return out


def cloudsplaining_findings(doc, flag_all):
    results = scan_policy(doc, DEFAULT_EXCLUSIONS_CONFIG, flag_conditional_statements=flag_all,
                          flag_resource_arn_statements=flag_all)
    out = {}
    for cat in CATEGORIES:
        r = results.get(cat) or {}
        found = r.get("findings") or []
        # Privilege escalation findings are {type, actions}; the others are action names.
        out[cat] = sorted(found, key=lambda x: json.dumps(x, sort_keys=True))
    return out


def main():
    with open(sys.argv[1], encoding="utf-8") as fh:
        docs = json.load(fh)
    report = {"versions": {"parliament": parliament.__version__}}
    try:
        from importlib.metadata import version
        report["versions"]["cloudsplaining"] = version("cloudsplaining")
    except Exception:  # pragma: no cover
        pass
    report["policies"] = {
        name: {
            "parliament": parliament_findings(name, doc),
            "cloudsplaining": {"default": cloudsplaining_findings(doc, False), "all": cloudsplaining_findings(doc, True)},
        }
        for name, doc in docs.items()
    }
    json.dump(report, sys.stdout, indent=1, sort_keys=True, default=str)


if __name__ == "__main__":
    main()
