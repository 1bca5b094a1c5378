"""Signature authority as data: the chain of prefixes a signature form prints (NĐ 30/2020, Phụ lục I).

A form is a chain of steps, outermost first: TM. (on behalf of a collective body), then at most one of KT. (a
deputy for the head), Q. (acting head), TL. (by order), TUQ. (by authorization). The legal combinations are
TM.+KT. ("TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"), TM.+Q. ("TM. ỦY BAN NHÂN DÂN / Q. CHỦ TỊCH") and
TL.+KT. ("TL. GIÁM ĐỐC / KT. CHÁNH VĂN PHÒNG / PHÓ CHÁNH VĂN PHÒNG": TL. passed to the deputy of the internal
unit whose head signs TL.). Who holds a chain on a day is organizations.selectors.signature_forms_for; this module
only knows what each chain is and prints. No database access here.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from organizations.models import SignatureForm

TM, KT, Q, TL, TUQ = "TM", "KT", "Q", "TL", "TUQ"
# The steps after which a title line of its own names the signer's post ("PHÓ CHỦ TỊCH"); Q. is itself the post.
_POST_FOLLOWS = {TM, KT, TL, TUQ}
# A printed prefix, with or without its space: "KT. TRƯỞNG PHÒNG", "KT.TRƯỞNG PHÒNG", "KT . TRƯỞNG PHÒNG".
PREFIX = re.compile(r"^(?P<step>TM|KT|TUQ|TL|Q)\s*\.\s*(?P<title>.*)$")
# Where a one-line Competence of the exchange ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH") breaks into title lines.
_INNER_PREFIX = re.compile(r"\s+(?=(?:KT|TL|TUQ|Q)\.\s)")


@dataclass(frozen=True)
class AuthorityChain:
    """One signature form as its chain of steps ("TM+KT" is (TM, KT)); `steps` is empty for the head's own."""

    form: str
    steps: tuple[str, ...]

    @property
    def label(self) -> str:
        return str(SignatureForm(self.form).label)

    @property
    def collective(self) -> bool:
        """Signed on behalf of a collective body (TM.): the organization needs a `collective_name`."""
        return TM in self.steps

    @property
    def delegated_step(self) -> str | None:
        """The step a delegation must grant (KT, Q, TL, TUQ), None for the head's own forms (direct, TM.)."""
        return next((step for step in self.steps if step != TM), None)

    @property
    def needs_deputy(self) -> bool:
        """KT. for the head of the organization is a deputy's (Role.DEPUTY); TL.+KT. is a unit deputy's."""
        return KT in self.steps and TL not in self.steps

    def title_lines(
        self, *, head_title: str, collective_name: str, signer_post_title: str, unit_head_title: str = ""
    ) -> list[str]:
        """The lines printed above the signature, upper case. `unit_head_title` is the title of the internal
        unit's head for TL.+KT. ("CHÁNH VĂN PHÒNG"); without it, the deputy's post without "PHÓ"."""
        head, post = head_title.upper(), signer_post_title.upper()
        if not self.steps:
            return [head]
        lines = []
        for step in self.steps:
            if step == TM:
                lines.append(f"TM. {collective_name.upper()}")
            elif step == KT and TL in self.steps:
                unit_head = unit_head_title.upper() or re.sub(r"^PHÓ\s+", "", post) or head
                lines.append(f"KT. {unit_head}")
            else:
                lines.append(f"{step}. {head}")
        last = self.steps[-1]
        if self.steps == (TM,):
            lines.append(post or head)  # the head of a collective: "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH"
        elif last in _POST_FOLLOWS:
            lines.append(post)
        return lines


CHAINS: dict[str, AuthorityChain] = {
    SignatureForm.DIRECT: AuthorityChain(SignatureForm.DIRECT, ()),
    SignatureForm.TM: AuthorityChain(SignatureForm.TM, (TM,)),
    SignatureForm.KT: AuthorityChain(SignatureForm.KT, (KT,)),
    SignatureForm.Q: AuthorityChain(SignatureForm.Q, (Q,)),
    SignatureForm.TL: AuthorityChain(SignatureForm.TL, (TL,)),
    SignatureForm.TUQ: AuthorityChain(SignatureForm.TUQ, (TUQ,)),
    SignatureForm.TM_KT: AuthorityChain(SignatureForm.TM_KT, (TM, KT)),
    SignatureForm.TM_Q: AuthorityChain(SignatureForm.TM_Q, (TM, Q)),
    SignatureForm.TL_KT: AuthorityChain(SignatureForm.TL_KT, (TL, KT)),
}
_BY_STEPS = {chain.steps: chain for chain in CHAINS.values()}


def chain_for(form: str) -> AuthorityChain:
    """The chain of a stored form; an unknown form is a programming error (the column has choices)."""
    return CHAINS[SignatureForm(form)]


def chain_of_steps(steps: Sequence[str]) -> AuthorityChain | None:
    """The legal chain with exactly these steps, or None ("KT. / TM." is no form of the decree)."""
    return _BY_STEPS.get(tuple(steps))


def normalize_title_line(line: str) -> str:
    """One space after a prefix, as the decree prints it: "KT.TRƯỞNG PHÒNG" → "KT. TRƯỞNG PHÒNG"."""
    line = " ".join(line.split())
    if match := PREFIX.match(line):
        return f"{match['step']}. {match['title'].strip()}".rstrip()
    return line


def chain_of_lines(lines: Iterable[str]) -> AuthorityChain | None:
    """The chain the printed title lines show, read from their leading prefixes ("TM. …", "KT. …", "PHÓ …" is
    TM.+KT.); a lone title is direct. None where the prefixes make no legal chain."""
    steps: list[str] = []
    for line in lines:
        match = PREFIX.match(" ".join(line.split()))
        if match is None:
            break
        steps.append(match["step"])
    return chain_of_steps(steps)


def signer_info(lines: Sequence[str]) -> tuple[str, str]:
    """(Competence, Position) of the exchange's SignerInfo from the title lines: every line but the last as one
    Competence ("TM. ỦY BAN NHÂN DÂN KT. CHỦ TỊCH"), the last as Position ("PHÓ CHỦ TỊCH"). The head signing
    directly has one line, which is both."""
    lines = [line for line in lines if line]
    if not lines:
        return "", ""
    if len(lines) == 1:
        return lines[0], lines[0]
    return " ".join(lines[:-1]), lines[-1]


def lines_of_signer_info(competence: str, position: str) -> tuple[str, ...]:
    """The title lines back from Competence and Position: the Competence breaks before each inner prefix."""
    lines = [line.strip() for line in _INNER_PREFIX.split(" ".join((competence or "").split())) if line.strip()]
    position = " ".join((position or "").split())
    if position and (not lines or lines[-1] != position):
        lines.append(position)
    return tuple(lines)
