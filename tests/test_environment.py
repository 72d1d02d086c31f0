"""environment.yml (conda users) and pyproject.toml (pip) must list the same packages."""

from __future__ import annotations

import re
import tomllib

import yaml

from analysis import paths


def _name_and_bound(requirement: str) -> tuple[str, str]:
    match = re.match(r"^([A-Za-z0-9_.\-]+)\s*(.*)$", requirement.strip())
    assert match, requirement
    return match.group(1).lower().replace("_", "-"), match.group(2).replace(" ", "")


def test_environment_yml_matches_pyproject() -> None:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    wanted = dict(_name_and_bound(r) for r in project["dependencies"] + project["optional-dependencies"]["dev"])
    env = yaml.safe_load((paths.ROOT / "environment.yml").read_text())
    listed = dict(
        _name_and_bound(d) for d in env["dependencies"] if isinstance(d, str) and not d.startswith(("python=", "pip"))
    )
    assert listed == wanted, (
        f"only in environment.yml: {set(listed.items()) - set(wanted.items())}; only in pyproject: {set(wanted.items()) - set(listed.items())}"
    )


def test_lock_pins_every_dependency() -> None:
    project = tomllib.loads((paths.ROOT / "pyproject.toml").read_text())["project"]
    names = {_name_and_bound(r)[0] for r in project["dependencies"] + project["optional-dependencies"]["dev"]}
    pinned = {
        line.split("==")[0].lower().replace("_", "-")
        for line in (paths.ROOT / "requirements.lock").read_text().splitlines()
        if "==" in line
    }
    assert names <= pinned, f"not pinned in requirements.lock: {sorted(names - pinned)}"
