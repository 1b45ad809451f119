"""Commands of `mrv` (Typer). Errors say what is wrong, where, and how to fix it; a run
with bad input writes nothing."""

from __future__ import annotations

import os
import tempfile
from enum import Enum
from pathlib import Path

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

import mrv
from mrv import _catalogues as catalogues
from mrv.factors import FactorFileError

app = typer.Typer(help="MRV of greenhouse-gas emissions from crop production in Đắk Lắk.", no_args_is_help=True,
                  add_completion=False)
out = Console()
err = Console(stderr=True)


class Profile(str, Enum):
    ipcc2019 = "ipcc2019"
    ipcc2006 = "ipcc2006"
    vn2022 = "vn2022"


class Gwp(str, Enum):
    AR4 = "AR4"
    AR5 = "AR5"
    AR6 = "AR6"


class Lang(str, Enum):
    vi = "vi"
    en = "en"


LABELS = {
    "vi": {"source": "Nguồn phát thải", "gas": "Khí", "mass": "Khối lượng khí (kg)", "co2e": "t CO2e",
           "boundary": "Phạm vi", "total": "Tổng", "title": "Phát thải theo nguồn và khí",
           "memo": "mục ghi nhớ, không cộng vào kiểm kê", "rows": "dòng kết quả", "written": "Đã ghi",
           "to_check": "hệ số còn ở trạng thái 'to check' (cần đối chiếu nguồn)"},
    "en": {"source": "Source", "gas": "Gas", "mass": "Mass of gas (kg)", "co2e": "t CO2e",
           "boundary": "Boundary", "total": "Total", "title": "Emissions by source and gas",
           "memo": "memo item, not added to inventory totals", "rows": "result rows", "written": "Written",
           "to_check": "factors still marked 'to check' (compare with the source)"},
}


def _print_problems(error: mrv.InputError) -> None:
    err.print(f"[red]{len(error.problems)} problem(s) in the input: nothing was calculated or written.[/red]")
    for problem in error.problems:
        err.print(f"- {problem}", markup=False, highlight=False, soft_wrap=True)

def _summary(results: pd.DataFrame, lang: str) -> Table:
    labels = LABELS[lang]
    names = catalogues.table("sources")[f"name_{lang}"]
    profile, gwp = results.attrs.get("factor_profile"), results.attrs.get("gwp")
    table = Table(title=f"{labels['title']} ({profile}, GWP {gwp}, {results.attrs.get('factor_set_version')})")
    for header in (labels["source"], labels["gas"], labels["boundary"]):
        table.add_column(header)
    for header in (labels["mass"], labels["co2e"]):
        table.add_column(header, justify="right")
    grouped = results.groupby(["source", "gas", "boundary"], observed=True, sort=False)[["mass_kg", "co2e_kg"]].sum()
    for (source, gas, boundary), row in grouped.iterrows():
        table.add_row(names[source], gas, boundary, f"{row['mass_kg']:,.3f}", f"{row['co2e_kg'] / 1000:,.4f}")
    for boundary, total in results.groupby("boundary", observed=True)["co2e_kg"].sum().items():
        note = f" ({labels['memo']})" if boundary == "scope2" else ""
        table.add_row(f"[bold]{labels['total']} {boundary}{note}[/bold]", "", "", "", f"[bold]{total / 1000:,.4f}[/bold]")
    return table


def _write_atomically(frame: pd.DataFrame, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(handle)
    try:
        frame.to_csv(temporary, index=False, encoding="utf-8")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.remove(temporary)


@app.command()
def calc(
    plots: Path = typer.Option(..., "--plots", exists=True, dir_okay=False, help="Plots CSV: plot_id, commune_code, crop, area, area_unit, climate, irrigation."),
    records: Path = typer.Option(..., "--records", exists=True, dir_okay=False, help="Records CSV: plot_id, year, activity, product, quantity, unit, n_content, …"),
    out_path: Path = typer.Option(..., "--out", dir_okay=False, help="Results CSV to write (one row per plot × year × source × gas)."),
    factors: Profile = typer.Option(Profile.ipcc2019, "--factors", help="Factor profile."),
    gwp: Gwp = typer.Option(Gwp.AR5, "--gwp", help="GWP100 set for CO2e."),
    sao: str = typer.Option(None, "--sao", help="Default sào variant of this import: bac (360 m²), trung (500 m²) or nam (1 000 m²)."),
    locale: str = typer.Option(None, "--locale", help="Number format of the files: vi (1.200,5) or en (1,200.5); needed only for numbers such as 1.200."),
    lang: Lang = typer.Option(Lang.vi, "--lang", help="Language of the summary."),
) -> None:
    """Calculate emissions of plots from their records; print a summary and write the results."""
    if locale is not None and locale not in ("vi", "en"):
        err.print(f"--locale {locale!r}: expected vi or en. Fix: use --locale vi (1.200,5) or --locale en (1,200.5).")
        raise typer.Exit(2)
    try:
        results = mrv.calculate(mrv.read_table(plots), mrv.read_table(records), factors.value, gwp.value,
                                sao=sao, locale=locale)
    except mrv.InputError as error:
        _print_problems(error)
        raise typer.Exit(2) from None
    except FactorFileError as error:
        err.print(f"Factor file error: {error}. Fix: correct the factor file, then run again.")
        raise typer.Exit(3) from None
    _write_atomically(results, out_path)
    out.print(_summary(results, lang.value))
    labels = LABELS[lang.value]
    profile = mrv.factor_profile(factors.value)
    used = set("|".join(results["factor_ids"].astype(str).unique()).split("|")) - {""}
    to_check = sorted(profile.rows.loc[profile.rows["id"].isin(used) & (profile.rows["status"] == "to check"), "id"])
    if to_check:
        out.print(f"[yellow]{len(to_check)} {labels['to_check']}:[/yellow] {', '.join(to_check)}")
    out.print(f"{labels['written']} {len(results)} {labels['rows']}: {out_path}")


@app.command("factors")
def list_factors(
    profile: Profile = typer.Option(Profile.ipcc2019, "--profile", help="Factor profile to list."),
) -> None:
    """List the factors of a profile in chain order, with value, unit, source and status."""
    loaded = mrv.factor_profile(profile.value)
    table = Table(title=f"{loaded.profile.title}: {' → '.join(loaded.profile.chain)} (version {loaded.version})")
    for header in ("id", "value", "unit", "applies to", "tier", "source", "status"):
        table.add_column(header, overflow="fold")
    for _, row in loaded.rows.iterrows():
        applies = ", ".join(f"{q}={row[q]}" for q in ("climate", "crop", "input", "gas", "year") if pd.notna(row[q]))
        status = row["status"] if row["status"] == "confirmed" else f"[yellow]{row['status']}[/yellow]"
        table.add_row(row["id"], f"{row['value']:g}", row["canonical_unit"], applies, str(row["tier"]), row["source"], status)
    out.print(table)
