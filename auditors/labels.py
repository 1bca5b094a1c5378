"""Vietnamese names for the log's actions, task steps and chain breaks (the codes stay in the data)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

# The actions the services record (grep record_event); an unknown one shows its code.
ACTION_LABELS = {
    "document.create": _("Tạo dự thảo"),
    "document.edit": _("Sửa dự thảo"),
    "document.submit": _("Trình duyệt"),
    "document.unit_approve": _("Đơn vị duyệt"),
    "document.approve": _("Duyệt"),
    "document.return": _("Trả lại"),
    "document.sign": _("Ký"),
    "document.register": _("Cấp số"),
    "document.issue": _("Phát hành"),
    "document.archive": _("Lưu hồ sơ"),
    "document.recall": _("Thu hồi"),
    "document.cancel": _("Hủy"),
    "document.change_reviewer": _("Đổi người duyệt"),
    "document.consult": _("Cho ý kiến"),
    "document.request_opinions": _("Xin ý kiến"),
    "document.grant_view": _("Cấp quyền xem"),
    "document.revoke_view": _("Thu hồi quyền xem"),
    "document.remind": _("Nhắc tiếp nhận"),
    "document.signature_checked": _("Kiểm tra chữ ký"),
    "document.trail_certificate": _("Xuất chứng nhận quá trình xử lý"),
    "delivery.arrived_from_outside": _("Nhận văn bản từ ngoài"),
    "delivery.emailed": _("Gửi thư điện tử"),
    "delivery.email_failed": _("Gửi thư điện tử lỗi"),
    "document.link_answer": _("Gắn văn bản trả lời"),
    "document.link_basis": _("Gắn căn cứ"),
    "document.link_correction": _("Gắn văn bản đính chính"),
    "document.replacement_from_outside": _("Nhận văn bản thay thế từ ngoài"),
    "document.reporting_duty_add": _("Thêm nghĩa vụ báo cáo"),
    "document.reporting_periods_open": _("Mở kỳ báo cáo"),
    "dossier.open": _("Mở hồ sơ"),
    "task.claim": _("Nhận việc"),
    "task.reassign": _("Giao lại việc"),
    "outbox.retry": _("Gửi lại sự kiện"),
    "auth.login_locked": _("Khóa đăng nhập"),
}

BREAK_LABELS = {
    "removed": _("Số thứ tự bị nhảy: một sự kiện đã bị xóa."),
    "previous_hash": _("Mã băm trước không khớp chuỗi: sự kiện bị chèn hoặc thay."),
    "hash_version": _("Phiên bản mã băm không hợp lệ hoặc bị hạ."),
    "edited": _("Nội dung không khớp mã băm: sự kiện đã bị sửa."),
    "head": _("Đầu chuỗi không khớp sự kiện cuối: sự kiện đã bị xóa hoặc thêm."),
}


def action_label(action: str) -> str:
    return str(ACTION_LABELS.get(action, action))
