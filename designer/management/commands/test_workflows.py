"""`manage.py test_workflows [machine ...]`: run state machines' own test cases (the studio's Tests
panel) in the engine, print each result and the coverage, and write JUnit XML for CI.

Exit status 1 when a test case fails. `--owner` chooses whose machines (default: admin).
"""

from xml.etree import ElementTree

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from designer import errors, selectors
from designer.models import StateMachine
from designer.services import debugging


class Command(BaseCommand):
    help = "Run the test cases of the given state machines (all that have any when none is named)."

    def add_arguments(self, parser):
        parser.add_argument("machines", nargs="*", help="state machine names (default: every machine with test cases)")
        parser.add_argument("--owner", default="admin", help="user who owns the machines (default: admin)")
        parser.add_argument("--junit", metavar="PATH", help="write the results as JUnit XML to PATH")

    def handle(self, *args, machines: list[str], owner: str, junit: str | None, **options):
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise CommandError(f"no user {owner!r}")
        if machines:
            try:
                chosen = [selectors.state_machine_by_name(owner=user, name=name) for name in machines]
            except errors.ServiceError as exc:
                raise CommandError(exc.message) from None
        else:
            chosen = list(StateMachine.objects.filter(owner=user, test_cases__isnull=False).distinct().order_by("name"))
        suites = ElementTree.Element("testsuites")
        failed = total = 0
        for machine in chosen:
            try:
                run = debugging.test_cases_run(machine=machine)
            except errors.ServiceError as exc:
                raise CommandError(f"{machine.name}: {exc.message}") from None
            results = run["results"]
            suite = ElementTree.SubElement(suites, "testsuite", name=machine.name, tests=str(len(results)),
                                           failures=str(sum(not r["passed"] for r in results)))
            for result in results:
                total += 1
                case = ElementTree.SubElement(suite, "testcase", classname=machine.name, name=result["name"])
                mark = "PASS" if result["passed"] else "FAIL"
                self.stdout.write(f"{mark} {machine.name} / {result['name']}: {result['status']}")
                if not result["passed"]:
                    failed += 1
                    failure = ElementTree.SubElement(case, "failure", message=result["failures"][0])
                    failure.text = "\n".join(result["failures"])
                    for line in result["failures"]:
                        self.stdout.write(f"     {line}")
            coverage = run["coverage"]
            ElementTree.SubElement(suite, "properties").append(
                ElementTree.Element("property", name="coverage", value=str(coverage["percent"])))
            self.stdout.write(f"     coverage of {machine.name}: {coverage['percent']}% "
                              f"({coverage['covered']} of {coverage['total']})")
        if junit:
            ElementTree.ElementTree(suites).write(junit, encoding="utf-8", xml_declaration=True)
        self.stdout.write(f"{total - failed} passed, {failed} failed")
        if failed:
            raise SystemExit(1)
