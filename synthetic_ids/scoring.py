"""How a verdict on a labelled case counts: the figures the tests assert and the benchmark prints.

Verdicts come in as their plain values ("passed", "failed", "needs_review") so that this module
stays independent of the code it measures.
"""

from collections import Counter
from dataclasses import dataclass, field

from synthetic_ids.labelled import GENUINE, UNREADABLE, Case

PASSED = "passed"


def outcome(case: Case, verdict: str, reasons: list[str]) -> str:
    """ "ok", or what went wrong: "false_reject", "false_accept", "wrong_side" (failed, but asked to retake another photo)."""
    if case.label == GENUINE:
        return "ok" if verdict == PASSED else "false_reject"
    if verdict == PASSED:
        return "false_accept"
    if case.label == UNREADABLE and not any(reason.startswith(f"{case.retake_side}_") for reason in reasons):
        return "wrong_side"
    return "ok"


@dataclass
class Tally:
    by_label: Counter[str] = field(default_factory=Counter)
    wrong: list[tuple[str, str, list[str]]] = field(default_factory=list)  # case name, outcome, reasons
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, case: Case, verdict: str, reasons: list[str]) -> str:
        result = outcome(case, verdict, reasons)
        self.by_label[case.label] += 1
        self.counts[result] += 1
        if result != "ok":
            self.wrong.append((case.name, result, reasons))
        return result

    @property
    def false_reject_rate(self) -> float:
        return self.counts["false_reject"] / max(self.by_label[GENUINE], 1)

    @property
    def false_accept_rate(self) -> float:
        """Over every case that must not pass: unreadable, impostor and tampered."""
        must_fail = sum(self.by_label.values()) - self.by_label[GENUINE]
        return self.counts["false_accept"] / max(must_fail, 1)
