"""The roles of the system's users (DESIGN.md §9b); what each may do is `PERMISSIONS`
in `_scope`. Kept apart so that the command line lists them without loading the database."""

#: role → what it may do (Vietnamese first).
ROLES = {
    "recorder": "cán bộ xã: nhập liệu và gửi số liệu của xã mình (recorder)",
    "verifier": "người thẩm định: thẩm định số liệu (verifier)",
    "province_officer": "cán bộ tỉnh: khoá, mở lại, lượt tính chính thức, báo cáo (province officer)",
    "inventory": "cán bộ kiểm kê: đọc lượt tính chính thức và xuất kiểm kê (inventory compiler)",
    "admin": "quản trị: quản lý người dùng (admin)",
}
