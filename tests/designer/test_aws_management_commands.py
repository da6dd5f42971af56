"""The management commands: access keys, validate/import/export ASL files, start executions."""

from __future__ import annotations

import json
from io import StringIO

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from designer.models import AccessKey, Execution, ExecutionStatus, StateMachine
from designer.services import executions

pytestmark = pytest.mark.django_db

HELLO = {"Comment": "hi", "StartAt": "A", "States": {"A": {"Type": "Pass", "End": True}}}


def run(*args) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def asl_file(tmp_path):
    path = tmp_path / "hello.asl.json"
    path.write_text(json.dumps(HELLO, indent=2))
    return path


def test_create_access_key_prints_a_working_key(user):
    out = run("create_access_key", "alice")
    key = AccessKey.objects.get(user=user)
    assert f"aws_access_key_id = {key.access_key_id}" in out
    assert f"aws_secret_access_key = {key.secret}" in out
    run("create_access_key", "alice", "--id", "test", "--secret", "test")
    assert AccessKey.objects.get(access_key_id="test").secret == "test"
    with pytest.raises(CommandError):
        run("create_access_key", "nobody")


def test_validate_asl(asl_file, tmp_path):
    assert "valid" in run("validate_asl", str(asl_file))
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"StartAt": "X", "States": {}}))
    with pytest.raises(CommandError):
        run("validate_asl", str(bad))
    as_yaml = tmp_path / "hello.yaml"
    as_yaml.write_text(yaml.safe_dump(HELLO))
    assert "valid" in run("validate_asl", str(as_yaml))


def test_import_then_export(user, asl_file):
    assert "created" in run("import_asl", str(asl_file), "--name", "hello", "--owner", "alice")
    machine = StateMachine.objects.get(name="hello")
    assert machine.definition == asl_file.read_text()
    assert run("export_asl", "hello", "--owner", "alice").strip() == asl_file.read_text().strip()
    assert yaml.safe_load(run("export_asl", "hello", "--format", "yaml", "--owner", "alice")) == HELLO
    changed = dict(HELLO, Comment="two")
    asl_file.write_text(json.dumps(changed))
    assert "revision 2" in run("import_asl", str(asl_file), "--name", "hello", "--owner", "alice")


def test_start_execution_and_wait(user, asl_file, monkeypatch):
    run("import_asl", str(asl_file), "--name", "hello", "--owner", "alice")
    arn = run("start_execution", "hello", "--input", '{"a": 1}', "--owner", "alice").strip()
    execution = Execution.objects.get(arn=arn)
    assert execution.input == '{"a": 1}' and execution.status == ExecutionStatus.RUNNING

    original = executions.execution_start

    def start_and_finish(**kwargs):
        execution, created = original(**kwargs)
        Execution.objects.filter(pk=execution.pk).update(status=ExecutionStatus.SUCCEEDED, output='{"a": 1}')
        return execution, created

    monkeypatch.setattr(executions, "execution_start", start_and_finish)
    out = run("start_execution", "hello", "--owner", "alice", "--wait", "--execution-name", "waited")
    assert "SUCCEEDED" in out and '{"a": 1}' in out
