"""Import delegates and offices from the Excel lists staff receive, as they come.

upload → ``preview`` → ``apply`` the same file in one transaction; a file with any
error imports nothing. The preview says which file column was read as what, which
columns are ignored, which rows were skipped and why (blank rows, a 备注/说明 block
under the table, a repeated header), and warns about what a person should look at:
same-named delegates of another delegation, merged duplicate office rows, names of
delegations and offices that look alike, offices without a clerk account.

Matching existing people: by login account when the row gives one, otherwise by
name **and** delegation (or constituency when the row has no delegation) — never
by name alone. A same-named person of another delegation is a new delegate.

Accounts: ``apply(create_accounts=True)`` creates login accounts (names by the rule
of ``delegates.names``) for delegates and office contacts who have none; new
accounts have no usable password and get a one-time activation link.

The file itself (columns, header, skipped rows, phones, template, upload form) is
read by ``delegates.roster_read``; the rows are matched and planned by ``roster_plan``.
"""

from __future__ import annotations

import re
import time
import uuid
from pathlib import Path
from typing import IO, TYPE_CHECKING

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from delegates.roster_read import (  # noqa: F401 - ImportFailed, COLUMNS … are this module's interface too
    COLUMNS,
    DELEGATE_COLUMNS,
    MAX_BYTES,
    MAX_ROWS,
    OFFICE_COLUMNS,
    STASH_SECONDS,
    Column,
    ImportFailed,
    ImportForm,
    RowError,
    RowWarning,
    parse_rows,
    write_template,
)
from suggestions.actions import accounts
from suggestions.actions._base import Action, require
from suggestions.actions.roster_plan import (  # noqa: F401 - the plan's parts are this module's interface too
    ACTION_LABELS,
    LOOK_ALIKE_REASONS,
    Preview,
    RowPlan,
    plan_delegates,
    plan_offices,
)
from suggestions.actor import Actor
from suggestions.errors import WorkflowError

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from delegates.models import Term
    from suggestions.actions._base import ActorUser


# --------------------------------------------------------------------------- entry points


def preview(kind: str, file_obj: IO[bytes], *, term: Term | None = None, congress_id: int | None = None) -> Preview:
    """What importing the file would do, or why it cannot be imported (offices: those of ``congress_id``)."""
    result = Preview(kind)
    try:
        parsed, errors = parse_rows(kind, file_obj, result)
    except ImportFailed as error:
        result.errors.append(RowError(0, "", error.message))
        return result
    if kind == "delegates":
        result.rows = plan_delegates(parsed, errors, result.warnings, term=term)
    else:
        result.rows = plan_offices(parsed, errors, result.warnings, congress_id=congress_id)
    result.errors = sorted(errors, key=lambda e: e.row)
    result.warnings = sorted(result.warnings, key=lambda w: w.row)
    return result


def _stash_dir() -> Path:
    path = Path(settings.MEDIA_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def _remove_stale_stashes(directory: Path) -> None:
    """Files previewed but never confirmed are dropped after a day."""
    cutoff = time.time() - STASH_SECONDS
    for path in directory.glob("*.xlsx"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
        except FileNotFoundError:  # another request removed it first
            pass


def stash(upload: UploadedFile) -> str:
    """Keep the uploaded file (outside the web root) until the user confirms; return its token."""
    _remove_stale_stashes(_stash_dir())
    token = uuid.uuid4().hex
    upload.seek(0)
    with open(_stash_dir() / f"{token}.xlsx", "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return token


def _stashed_path(token: str) -> Path:
    if not re.fullmatch(r"[0-9a-f]{32}", token or ""):
        raise ImportFailed(_("导入文件已失效，请重新上传。"))
    path = _stash_dir() / f"{token}.xlsx"
    if not path.exists():
        raise ImportFailed(_("导入文件已失效，请重新上传。"))
    return path


def apply(
    kind: str, token: str, *, actor: ActorUser, term: Term | None = None, create_accounts: bool = False
) -> Preview:
    """Import the previewed file: every row or none. New accounts get activation links (``result.activations``)."""
    try:
        require(actor, Action.ROSTER_IMPORT, kind)
    except WorkflowError as error:
        raise ImportFailed(error.message) from error
    User = get_user_model()
    path = _stashed_path(token)
    with open(path, "rb") as handle:
        result = preview(kind, handle, term=term, congress_id=Actor.of(actor).congress_id)
    if result.errors:
        raise ImportFailed(
            _("文件有%(n)s处错误，未导入任何数据：%(first)s") % {"n": len(result.errors), "first": result.errors[0]}
        )
    account_key = "username" if kind == "delegates" else "clerk_username"
    named = {p.values.get(account_key) for p in result.rows if p.values.get(account_key)}
    if create_accounts:
        named |= {p.new_username for p in result.rows if p.new_username}
    existed = set(User.objects.filter(username__in=named).values_list("username", flat=True))
    try:
        with transaction.atomic():
            for plan in result.rows:
                new_username = plan.new_username if create_accounts else ""
                if plan.action == "unchanged" and not new_username:
                    continue
                if kind == "delegates":
                    accounts.delegate_save(
                        actor=actor, term=term, values=plan.values, delegate=plan.target, new_username=new_username
                    )
                else:
                    accounts.office_save(actor=actor, values=plan.values, office=plan.target, new_username=new_username)
            created = list(User.objects.filter(username__in=named - existed).order_by("username"))
            result.activations = accounts.activation_issue(actor=actor, users=created)
    except IntegrityError as error:
        raise ImportFailed(_("导入时数据已被他人修改，未导入任何数据，请重新上传。")) from error
    except WorkflowError as error:
        raise ImportFailed(error.message) from error
    path.unlink(missing_ok=True)
    return result
