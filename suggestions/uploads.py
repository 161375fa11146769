"""Upload checks: an allow-list of document and image types recognised by content, and a size limit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext as _

from suggestions.errors import InvalidInput

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

# (magic bytes prefix, content type, allowed extensions)
SIGNATURES = [
    (b"%PDF-", "application/pdf", {"pdf"}),
    (b"\x89PNG\r\n\x1a\n", "image/png", {"png"}),
    (b"\xff\xd8\xff", "image/jpeg", {"jpg", "jpeg"}),
    (b"GIF87a", "image/gif", {"gif"}),
    (b"GIF89a", "image/gif", {"gif"}),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "application/msword", {"doc", "xls", "wps"}),
    (b"PK\x03\x04", "application/vnd.openxmlformats-officedocument", {"docx", "xlsx", "pptx", "ofd"}),
]
ALLOWED_HINT = "PDF、Word、Excel、WPS、OFD、JPG、PNG、GIF"


def check_upload(uploaded_file: UploadedFile, *, images_and_pdf_only: bool = False) -> str:
    """Return the content type recognised from the file's bytes, or raise InvalidInput."""
    limit = settings.ATTACHMENT_MAX_BYTES
    if uploaded_file.size > limit:
        raise InvalidInput(
            _("文件“%(name)s”超过大小限制（最大%(mb)sMB）。")
            % {"name": uploaded_file.name, "mb": limit // (1024 * 1024)}
        )
    if uploaded_file.size == 0:
        raise InvalidInput(_("文件“%(name)s”是空文件。") % {"name": uploaded_file.name})
    head = uploaded_file.read(16)
    uploaded_file.seek(0)
    ext = uploaded_file.name.rsplit(".", 1)[-1].lower() if "." in uploaded_file.name else ""
    for magic, content_type, extensions in SIGNATURES:
        if head.startswith(magic) and ext in extensions:
            if images_and_pdf_only and not (content_type == "application/pdf" or content_type.startswith("image/")):
                break
            return content_type
    allowed = "PDF、JPG、PNG、GIF" if images_and_pdf_only else ALLOWED_HINT
    raise InvalidInput(
        _("文件“%(name)s”的类型不被允许或与扩展名不符。允许的类型：%(allowed)s。")
        % {"name": uploaded_file.name, "allowed": allowed}
    )
