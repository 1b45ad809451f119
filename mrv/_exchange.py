"""Writers of the inventory export, each a format an inventory compiler loads as it is:

- `xlsx`, `csv`, `json`: the table of `mrv.inventory_table` for one or several years, every
  row with the province code, the year and its units; the CSV has no comment lines (its
  metadata go to `<name>.metadata.json` beside it);
- `primap2`: the PRIMAP2 interchange format, a CSV of one row per area × category ×
  entity × unit with a column per year, and its YAML metadata
  (`primap2.pm2io.read_interchange_format` reads the YAML);
- `etf`: a JSON of the CRT rows and their values per inventory year, shaped as the ETF
  reporting tool's CRT data exchange (`data.values[].inventory_year`, `values[]`), each
  value keyed by its CRT node and variable name (`variable_uid` is left for the tool's
  identifiers, which are not published in a package this project can read);
- `worksheets`: the IPCC Inventory Software's worksheets 3.C.1–3.C.7 (`mrv.ipcc_worksheets`).

Text written to XLSX and CSV never runs as a formula (`mrv.safe_cells`)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from mrv._cells import safe_cells
from mrv._formats import INVENTORY_FORMATS as FORMATS
from mrv._i18n import msg

#: Node identifiers of the ETF reporting tool's sectors (its public command-line tool,
#: unfccc/etf-cli, `Metadata.sector_uids`).
ETF_SECTORS = {"agriculture": "43bc1534-201c-416b-a348-e5866d69dddb",
               "lulucf": "db7b9be0-76bc-497e-a4ee-9334ec2429d2",
               "energy": "3665c27e-d055-47d7-8393-5f934f3ced9d"}
SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")
#: The PRIMAP2 dimensions of the interchange format (column names with their terminology).
AREA, CATEGORY = "area (VN_province)", "category (CRT)"


@dataclass
class InventoryExport:
    """What the writers need: the table (`mrv.INVENTORY_COLUMNS` after `province_code` and
    `year`, for each year exported), the metadata, and each year's IPCC worksheets."""

    table: pd.DataFrame
    metadata: dict[str, str]
    worksheets: dict[int, dict[str, pd.DataFrame]] = field(default_factory=dict)

    @property
    def years(self) -> list[int]:
        return sorted(int(year) for year in self.table["year"].unique())


def _side(path: Path, suffix: str) -> Path:
    return path.with_name(path.stem + suffix)


def _primap2(export: InventoryExport, path: Path) -> list[Path]:
    """The interchange format: CRT lines summed per category and gas (4.B.1's two pools
    give its net CO2), the gases in kt a year, their CO2e as KYOTOGHG; lines with a
    notation key stay empty (the key and its reason are in the table and the ETF file)."""
    lines = export.table[(export.table["line"] != "total") & (export.table["block"] != "memo")]
    gwp = export.metadata["gwp"]
    gases = lines.assign(entity=lines["gas"], unit=lines["gas"].map(lambda g: f"kt {g} / year"), value=lines["emissions"])
    kyoto = lines.assign(entity=f"KYOTOGHG ({gwp}GWP100)", unit="kt CO2 / year", value=lines["co2e"])
    both = pd.concat([gases, kyoto], ignore_index=True)
    data = (both.groupby(["crt", "entity", "unit", "year"])["value"].sum(min_count=1).unstack("year")
            .reindex(columns=export.years).dropna(how="all").reset_index().rename(columns={"crt": CATEGORY}))
    data.insert(0, AREA, export.metadata["province_code"])
    data.insert(0, "source", "DakLak-MRV")
    data.columns = [str(column) for column in data.columns]
    csv_path = path.with_suffix(".csv")
    safe_cells(data).to_csv(csv_path, index=False)
    comment = "; ".join(f"{key}: {value}" for key, value in export.metadata.items())
    attrs = {"area": AREA, "cat": CATEGORY, "title": f"{export.metadata['province']} GHG inventory contribution, "
             f"crop production", "institution": export.metadata["institution"], "comment": comment,
             "references": "IPCC 2006 Guidelines and 2019 Refinement; CRT (decision 5/CMA.3)"}
    yaml = ["attrs:", *(f"  {key}: {json.dumps(value, ensure_ascii=False)}" for key, value in attrs.items()),
            f"data_file: {json.dumps(csv_path.name)}", "dimensions:", '  "*":',
            *(f"  - {json.dumps(d)}" for d in (AREA, CATEGORY, "entity", "source", "unit")), 'time_format: "%Y"']
    yaml_path = path.with_suffix(".yaml")
    yaml_path.write_text("\n".join(yaml) + "\n", encoding="utf-8")
    return [csv_path, yaml_path]


def _etf(export: InventoryExport, path: Path) -> list[Path]:
    """The CRT rows and their values: emissions (kt), activity data (once per row: its gases
    share it), the Frac of indirect N2O and each gas's implied factor, in the CRT's units,
    or a notation key with its explanation."""
    inventories = []
    for year, lines in export.table.groupby("year", sort=True):
        values, given = [], set()
        for line in lines.itertuples(index=False):
            row = f"[{line.crt}. {line.crt_name}]"
            gas = line.gas.translate(SUBSCRIPTS)

            def value(variable: str, number, **more) -> None:
                values.append({"node": {"name_prefix": line.crt + ".", "name": line.crt_name},
                               "sector_uid": ETF_SECTORS.get(line.block), "variable_uid": None,
                               "variable": row + variable, "value": number, **more})

            emissions = f"[no classification][Emissions][{gas}][no parameter][kt]"
            if isinstance(line.notation, str):
                value(emissions, line.notation, explanation=line.notation_reason)
                continue
            value(emissions, line.emissions)
            if line.line == "total":
                continue
            activity = f"[{line.activity}][{line.activity_unit}]"
            if row + activity not in given:
                given.add(row + activity)
                value(activity, line.activity_amount)
                if line.fraction == line.fraction:  # Frac_GAS or Frac_LEACH of the N applied
                    value("[Frac][kg N/kg N applied]", line.fraction)
            value(f"[Implied emission factor][{gas}][{line.ief_unit}]", line.ief)
        inventories.append({"inventory_year": int(year), "values": values})
    document = {"format": "CRT data exchange: values keyed by CRT node and variable name",
                "metadata": export.metadata, "data": {"values": inventories}}
    path.write_text(json.dumps(document, ensure_ascii=False, indent=1, allow_nan=False), encoding="utf-8")
    return [path]


def _worksheets(export: InventoryExport, path: Path) -> list[Path]:
    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for year, sheets in sorted(export.worksheets.items()):
            for name, frame in sheets.items():
                title = name if len(export.worksheets) == 1 else f"{year} {name}"
                safe_cells(frame).to_excel(writer, sheet_name=title, index=False)
        _metadata_frame(export).to_excel(writer, sheet_name="metadata", index=False)
    return [path]


def _metadata_frame(export: InventoryExport) -> pd.DataFrame:
    return safe_cells(pd.DataFrame(list(export.metadata.items()), columns=["key", "value"]))


def write_inventory(export: InventoryExport, path: str | Path, fmt: str) -> list[Path]:
    """Write the export in one of `FORMATS`; return the files written (a CSV's metadata
    and the interchange format's YAML go beside `path`)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    table = export.table
    if fmt == "xlsx":
        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            safe_cells(table).to_excel(writer, sheet_name="inventory", index=False)
            _metadata_frame(export).to_excel(writer, sheet_name="metadata", index=False)
        return [path]
    if fmt == "csv":
        safe_cells(table).to_csv(path, index=False)
        metadata = _side(path, ".metadata.json")
        metadata.write_text(json.dumps(export.metadata, ensure_ascii=False, indent=1), encoding="utf-8")
        return [path, metadata]
    if fmt == "json":
        rows = json.loads(table.to_json(orient="records", force_ascii=False, double_precision=15))
        path.write_text(json.dumps({"metadata": export.metadata, "rows": rows}, ensure_ascii=False, indent=1),
                        encoding="utf-8")
        return [path]
    if fmt == "primap2":
        return _primap2(export, path)
    if fmt == "etf":
        return _etf(export, path)
    if fmt == "worksheets":
        return _worksheets(export, path)
    raise ValueError(f"unknown format {fmt!r}: {', '.join(FORMATS)}")


def suffix(fmt: str) -> str:
    """The file extension of a format's main file."""
    return {"primap2": "yaml", "etf": "json", "worksheets": "xlsx"}.get(fmt, fmt)


def parse_years(text: str) -> list[int]:
    """'2025', '2026-2030' or '2025,2027' as a sorted list of years (ValueError otherwise)."""
    years: set[int] = set()
    for part in text.replace(" ", "").split(","):
        found = re.fullmatch(r"(\d{4})(?:[-–](\d{4}))?", part)
        if not found:
            raise ValueError(msg("{text} is not a year, a range 2026-2030 or a list 2025,2027", text=repr(text)))
        first, last = int(found[1]), int(found[2] or found[1])
        if last < first:
            raise ValueError(msg("{text}: the range ends before it starts", text=repr(text)))
        years.update(range(first, last + 1))
    return sorted(years)

