"""The stage machine: which move of a chapter is allowed, by which command, and what blocks it.

Stages are rules, not labels. ``check(state, target, via, blockers)`` returns nothing when the
move is allowed and raises ``StageRefused`` with one sentence otherwise. ``via`` names the command
asking (``"stage"`` for ``penholder chapter stage``); some moves belong to one command only
(a chapter goes in review when a round opens, never by hand). ``blockers`` are what the caller's
guards found (missing returns, remarks without disposition, ...): later capabilities add guards
without touching the rules here.

    drafting ──round open──> in_review ──round close──> consolidating ──> revising
        ^                        ^                                          │
        │                        └───────────────round open─────────────────┤
        │                                                                   v
        └──next cycle── signed_off <──sign off── ready_for_egm <────────────┘
                            │
                            └──> final
"""

from __future__ import annotations

from dataclasses import dataclass

from drafts.core.errors import StageRefused
from drafts.models import ChapterState, Stage


@dataclass(frozen=True)
class Rule:
    source: Stage
    target: Stage
    via: tuple[str, ...]  # commands allowed to make this move


RULES: tuple[Rule, ...] = (
    Rule(Stage.DRAFTING, Stage.IN_REVIEW, ("round-open",)),
    Rule(Stage.REVISING, Stage.IN_REVIEW, ("round-open",)),
    Rule(Stage.CONSOLIDATING, Stage.IN_REVIEW, ("round-open",)),
    Rule(Stage.IN_REVIEW, Stage.CONSOLIDATING, ("round-close",)),
    Rule(Stage.CONSOLIDATING, Stage.REVISING, ("stage", "new-revision", "import")),
    Rule(Stage.DRAFTING, Stage.READY_FOR_EGM, ("stage",)),
    Rule(Stage.REVISING, Stage.READY_FOR_EGM, ("stage",)),
    Rule(Stage.READY_FOR_EGM, Stage.REVISING, ("stage", "sign-off")),
    Rule(Stage.READY_FOR_EGM, Stage.SIGNED_OFF, ("sign-off",)),
    Rule(Stage.SIGNED_OFF, Stage.DRAFTING, ("next-cycle",)),
    Rule(Stage.SIGNED_OFF, Stage.FINAL, ("stage",)),
)

COMMAND_HINT = {
    "round-open": "open a review round with `penholder round open`",
    "round-close": "close the round with `penholder round close`",
    "next-cycle": "use `penholder chapter stage CH --to drafting --next-cycle`",
    "stage": "use `penholder chapter stage CH --to STAGE`",
    "sign-off": "request a sign-off with `penholder signoff request CH --egm N` and decide it with `penholder signoff decide`",
    "new-revision": "commit a new revision",
    "import": "import an edited .docx",
}

# Stages in which the chapter's text may change (a new revision or an import).
EDITABLE = frozenset({Stage.DRAFTING, Stage.CONSOLIDATING, Stage.REVISING})


def find_rule(source: Stage, target: Stage) -> Rule | None:
    """Return the rule for moving from ``source`` to ``target``, or None if there is none."""
    for rule in RULES:
        if rule.source == source and rule.target == target:
            return rule
    return None


def check(state: ChapterState, target: Stage, via: str, blockers: list[str] | None = None) -> None:
    """Allow the move of ``state`` to ``target`` asked by command ``via``, or raise StageRefused."""
    ch, source = state.id, state.stage
    if source == target:
        raise StageRefused(f"chapter {ch} is already {source.value}", rule="same-stage")
    rule = find_rule(source, target)
    if rule is None:
        allowed = ", ".join(r.target.value for r in RULES if r.source == source) or "none"
        raise StageRefused(
            f"chapter {ch} cannot move from {source.value} to {target.value} "
            f"(allowed from {source.value}: {allowed})",
            rule="no-such-move",
        )
    if via not in rule.via:
        hint = COMMAND_HINT.get(rule.via[0], rule.via[0])
        raise StageRefused(
            f"chapter {ch} moves from {source.value} to {target.value} only through its own "
            f"command: {hint}",
            rule="wrong-command",
        )
    if blockers:
        raise StageRefused(
            f"chapter {ch} cannot move to {target.value}: " + "; ".join(blockers),
            rule="blocked",
        )


def check_editable(state: ChapterState, action: str = "change the text of") -> Stage:
    """Return the stage a text change leaves the chapter in, or raise StageRefused saying why not.

    A change in ``consolidating`` moves the chapter to ``revising``; ``drafting`` and ``revising``
    stay; every other stage refuses.
    """
    ch, stage = state.id, state.stage
    if stage in EDITABLE:
        return Stage.REVISING if stage == Stage.CONSOLIDATING else stage
    reasons = {
        Stage.IN_REVIEW: f"it is in review in round {state.round}; close the round first "
        "(`penholder round close`)",
        Stage.READY_FOR_EGM: "it is ready for the EGM; move it back with "
        "`penholder chapter stage CH --to revising`",
        Stage.SIGNED_OFF: f"revision {state.signed_revision} is signed off and frozen; open the "
        "next cycle with `penholder chapter stage CH --to drafting --next-cycle`",
        Stage.FINAL: "it is final",
    }
    raise StageRefused(f"cannot {action} chapter {ch}: {reasons[stage]}", rule="frozen")
