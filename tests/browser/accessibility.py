"""axe-core (npm's axe-core, pinned in tests/browser/axe/package.json and installed there by
.ci/run: never downloaded at test time) injected into a page, and the known exceptions it may
report: what Streamlit itself draws and the app cannot change (axe_exceptions.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

AXE_JS = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
EXCEPTIONS = Path(__file__).resolve().parent / "axe_exceptions.toml"
# Every axe rule tagged with a WCAG 2.0, 2.1 or 2.2 success criterion at level A or AA.
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


@dataclass(frozen=True)
class Violation:
    rule: str
    impact: str
    target: str  # the CSS selector axe gives for the element
    html: str
    summary: str

    def __str__(self) -> str:
        return f"{self.rule} ({self.impact}) at {self.target}: {self.summary} | {self.html[:160]}"


@dataclass(frozen=True)
class KnownException:
    rule: str
    element: str  # a substring of the violating element's selector (or its HTML)
    reason: str
    upstream: str

    def covers(self, violation: Violation) -> bool:
        return violation.rule == self.rule and (
            self.element in violation.target or self.element in violation.html
        )


def axe_unavailable_reason() -> str | None:
    if not AXE_JS.is_file():
        return f"axe-core is not installed at {AXE_JS} (cd tests/browser/axe && npm ci)"
    return None


def known_exceptions() -> list[KnownException]:
    document = tomllib.loads(EXCEPTIONS.read_text())
    return [KnownException(**entry) for entry in document.get("exception", [])]


def wcag_violations(page) -> list[Violation]:
    """axe's violations of WCAG A and AA rules on the page as it is now, of every impact."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """async (tags) => await axe.run(document, {
            runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})""",
        WCAG_AA,
    )
    found = []
    for violation in results["violations"]:
        for node in violation["nodes"]:
            found.append(
                Violation(
                    violation["id"],
                    node.get("impact") or violation["impact"],
                    " ".join(str(part) for part in node["target"]),
                    node.get("html", ""),
                    node.get("failureSummary", "").replace("\n", " "),
                )
            )
    return found


def unlisted(violations: list[Violation]) -> list[Violation]:
    exceptions = known_exceptions()
    return [v for v in violations if not any(e.covers(v) for e in exceptions)]
