"""The file formats of the report and of the inventory export (kept apart from their writers
so that the command line offers them without loading pandas)."""

#: The annual report's formats (`mrv.write_report`).
REPORT_FORMATS = ("xlsx", "html", "pdf", "docx")
#: The inventory export's formats (`mrv.write_inventory`).
INVENTORY_FORMATS = ("xlsx", "csv", "json", "primap2", "etf", "worksheets")
