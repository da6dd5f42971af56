"""Debugger persistence: a machine's breakpoints and test cases, and what a debug execution
(or a "run from here" execution) carries beside its row: its breakpoints, whether it is
stepping, where it is paused, and the execution it was started from."""

from django.db import models


class MachineBreakpoints(models.Model):
    """The states a machine's debug executions pause before (names, unique in a whole machine)."""

    machine = models.OneToOneField("designer.StateMachine", on_delete=models.CASCADE, related_name="breakpoints")
    states = models.JSONField(default=list)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"


class WorkflowTestCase(models.Model):
    """A named test case: input, mocked Task answers by state and call number, expectations."""

    machine = models.ForeignKey("designer.StateMachine", on_delete=models.CASCADE, related_name="test_cases")
    name = models.CharField(max_length=80)
    input = models.JSONField(default=dict)
    mocks = models.JSONField(default=dict)
    expect = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    class Meta:
        app_label = "designer"
        constraints = (models.UniqueConstraint(fields=["machine", "name"], name="workflowtestcase_unique_name"),)
        ordering = ("name",)


class ExecutionDebug(models.Model):
    """Debug state of one execution. `paused`: {state, path, input, variables} while paused;
    `resume`: the input and variables to continue with, set by Continue/Step until used."""

    execution = models.OneToOneField("designer.Execution", on_delete=models.CASCADE, related_name="debug")
    debug = models.BooleanField(default=True)
    breakpoints = models.JSONField(default=list)
    stepping = models.BooleanField(default=False)
    paused = models.JSONField(null=True, blank=True)
    resume = models.JSONField(null=True, blank=True)
    origin = models.ForeignKey("designer.Execution", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="reruns")
    origin_state = models.CharField(max_length=80, blank=True, default="")

    class Meta:
        app_label = "designer"
