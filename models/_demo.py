"""A seeded synthetic Đắk Lắk year, written as the import files an agronomist would send:
every commune with a commune pilot model (pilot and control plots), the two provincial
pilots (coffee, sugarcane), cooperatives, a few hundred farms per main crop with their
practice and intercrops, commune crop areas, practice profiles and adoption shares (also
the year before, with fewer hectares under low-emission practice). The low-emission coffee
plots switch to regular compost in the year (a soil carbon change), the provincial coffee
pilot's shade trees are measured in the year before and in it, and a hundred rice farms
grow two seasons, flooded or with alternate wetting and drying.
The numbers are plausible, not real: it is for trying the system, not for reporting."""

from __future__ import annotations

import secrets
import string
from pathlib import Path

import numpy as np
import pandas as pd

from sqlalchemy import Engine, select
from sqlmodel import Session

from mrv import catalogue

from mrv.models._accounts import set_password
from mrv.models._certificate import issue_certificate, verify_certificate
from mrv.models._review import review, status_of
from mrv.models._scope import LOCAL
from mrv.models._seed import official_communes
from mrv.models._tables import Certificate, HarvestLot
from mrv.models._users import add_user, list_users

#: The commune whose demo year is submitted and verified, so that its plots are eligible
#: for the label (`mrv label evaluate`); 24133, the commune officer's, stays open to try recording.
DEMO_VERIFIED = "22015"
#: The cooperative of the provincial coffee pilot's farms, whose carbon-credit readiness the
#: demo reports (`mrv credit readiness`).
DEMO_GROUP = "HTX-001"
#: The demo's harvest lot that is certified (`certify_demo_lot`).
DEMO_LOT = "LO-001"
#: One user per role, to try the system with: for the demo only, never a real database.
DEMO_USERS = (("demo-tinh", "province_officer", None), ("demo-xa", "recorder", "24133"),
              ("demo-thamdinh", "verifier", ("24133", DEMO_VERIFIED)), ("demo-kiemke", "inventory", None),
              ("demo-quantri", "admin", None))
#: The demo user who imports the demo's files and makes its official run.
DEMO_IMPORTER = DEMO_USERS[0][0]

CROPS = ("coffee", "sugarcane", "durian", "pepper")
#: Inputs per hectare and year of each practice: (activity, product, amount, unit, N %, use).
PRACTICES = {
    ("coffee", False): [("fertiliser", "urea", 300, "kg", "", ""), ("fertiliser", "npk-16-16-8", 1000, "kg", "", ""),
                        ("lime", "dolomite", 500, "kg", "", ""), ("diesel", "", 150, "L", "", "pump")],
    ("coffee", True): [("fertiliser", "npk-16-16-8", 600, "kg", "", ""), ("fertiliser", "compost", 3000, "kg", "1,5", ""),
                       ("electricity", "", 600, "kWh", "", "pump")],
    ("sugarcane", False): [("fertiliser", "urea", 250, "kg", "", ""), ("fertiliser", "npk-20-20-15", 500, "kg", "", ""),
                           ("residue_burning", "", 1, "ha", "", ""), ("diesel", "", 120, "L", "", "machinery")],
    ("sugarcane", True): [("fertiliser", "urea", 150, "kg", "", ""), ("fertiliser", "compost", 5000, "kg", "1,2", ""),
                          ("diesel", "", 100, "L", "", "machinery")],
    ("durian", False): [("fertiliser", "npk-16-16-8", 1500, "kg", "", ""), ("fertiliser", "urea", 200, "kg", "", ""),
                        ("lime", "limestone", 800, "kg", "", ""), ("diesel", "", 100, "L", "", "pump")],
    ("durian", True): [("fertiliser", "npk-16-16-8", 1000, "kg", "", ""), ("fertiliser", "manure", 8000, "kg", "0,8", ""),
                       ("electricity", "", 900, "kWh", "", "pump")],
    ("pepper", False): [("fertiliser", "npk-16-16-8", 1200, "kg", "", ""), ("fertiliser", "urea", 300, "kg", "", ""),
                        ("diesel", "", 80, "L", "", "pump")],
    ("pepper", True): [("fertiliser", "npk-16-16-8", 800, "kg", "", ""), ("fertiliser", "organic", 2000, "kg", "3", ""),
                       ("electricity", "", 500, "kWh", "", "pump")],
}
#: Rice seasons of the demo: (season, days, water regime of conventional and of low-emission
#: practice), with urea (kg/ha), straw incorporated early (t/ha as weighed, and its dry matter in %)
#: and paddy (t/ha) per season.
RICE_SEASONS = (("Đông Xuân", 105, "ngập liên tục", "ướt khô xen kẽ"), ("Hè Thu", 95, "ngập liên tục", "rút nước một lần"))
RICE_INPUTS = {"urea": 200, "straw": 3.0, "straw_dry_matter": 85, "paddy": 5.5}
#: The soil practice each low-emission profile brings, and the one it replaced (IPCC 2006 Vol. 4
#: Table 5.5): compost or manure every year, and sugarcane's residues no longer burnt.
SOIL_PRACTICES = {"coffee": ("input-high-manure", "input-medium"), "sugarcane": ("input-high-manure", "input-low"),
                  "durian": ("input-high-manure", "input-medium"), "pepper": ("input-high", "input-medium")}
HARVEST = {"coffee": ("cà phê nhân", 2.8), "sugarcane": ("mía cây", 70.0), "durian": ("quả sầu riêng", 15.0),
           "pepper": ("tiêu khô", 3.0)}  # product, t per ha
BAGGED = {"urea", "npk-16-16-8", "npk-20-20-15"}


def _typed(value: float) -> str:
    """A number as an agronomist types it: whole, or with a comma decimal."""
    return f"{value:.0f}" if abs(value - round(value)) < 1e-9 else f"{value:.1f}".replace(".", ",")


class _Demo:
    def __init__(self, seed: int, year: int):
        self.rng = np.random.default_rng(seed)
        self.places = np.random.default_rng([seed, 1])  # apart, so the figures do not move with the map
        self.paddy = np.random.default_rng([seed, 2])  # the communes' rice areas, apart for the same reason
        self.orchards = np.random.default_rng([seed, 3])  # the perennial crops' planting years, apart too
        self.uptake = np.random.default_rng([seed, 4])  # how much adoption grew since the year before, apart too
        self.centres: dict[str, tuple[float, float]] = {}
        self.year = year
        self.communes = official_communes()
        self.plots: list[dict] = []
        self.records: list[dict] = []

    def place(self, commune: str) -> dict[str, str]:
        """Synthetic coordinates: a centre per commune inside the province's extent, the
        plots within about 3 km of it (4 decimals, comma as typed, WGS 84)."""
        if commune not in self.centres:
            self.centres[commune] = (float(self.places.uniform(12.3, 13.4)), float(self.places.uniform(107.8, 109.0)))
        latitude, longitude = self.centres[commune] + self.places.uniform(-0.03, 0.03, 2)
        return {"latitude": f"{latitude:.4f}".replace(".", ","), "longitude": f"{longitude:.4f}".replace(".", ",")}

    def crop_of(self, index: int) -> str:
        return CROPS[0] if index % 3 else CROPS[1 + index % 9 // 3]

    def plot(self, plot_id: str, commune: str, crop: str, low: bool, **extra) -> None:
        rng = self.rng
        area = round(float(rng.uniform(0.3, 2.5)), 1)
        in_sao = rng.random() < 0.3
        self.plots.append({
            "plot_id": plot_id, "commune_code": commune, "crop": crop,
            "area": _typed(area * 10) if in_sao else _typed(area), "area_unit": "sào nam" if in_sao else "ha",
            "climate": "wet", "irrigation": "drip" if low else str(rng.choice(["basin", "sprinkler", "none"])),
            "planting_year": str(int(rng.integers(2005, self.year - 2))), **self.place(commune), **extra,
        })
        for number, (activity, product, rate, unit, n_content, use) in enumerate(PRACTICES[(crop, low)]):
            if activity == "residue_burning" and rng.random() < 0.4:
                continue
            amount = rate * area * float(rng.uniform(0.8, 1.2))
            if product in BAGGED and rng.random() < 0.5:
                amount, unit = max(1.0, round(amount / 50)), "bao"
            elif unit == "kg" and amount > 1000:
                amount, unit = round(amount / 100, 1), "tạ"
            elif activity == "residue_burning":
                amount = area
            self.records.append({
                "record_id": f"{plot_id}-{self.year}-{number}", "plot_id": plot_id, "year": str(self.year),
                "activity": activity, "product": product, "quantity": _typed(round(amount, 1)), "unit": unit,
                "n_content": n_content, "use": use, "evidence": str(rng.choice(["hoá đơn", "sổ ghi chép", "phỏng vấn"])),
            })
        if low and crop == "coffee":
            self.records.append({
                "record_id": f"{plot_id}-{self.year}-soil", "plot_id": plot_id, "year": str(self.year),
                "activity": "thay đổi canh tác đất", "product": "input-high-manure", "previous_practice": "input-medium",
                "quantity": _typed(area), "unit": "ha", "evidence": "sổ ghi chép",
            })
        if low and crop == "coffee" and str(extra.get("pilot_model_id", "")).startswith("TINH-"):
            trees = str(int(round(80 * area)))
            for year, diameter, height in ((self.year - 1, 18.0, 10.0), (self.year, 19.5, 10.8)):
                self.records.append({
                    "record_id": f"{plot_id}-{year}-trees", "plot_id": plot_id, "year": str(year),
                    "activity": "kiểm kê cây", "product": "cây che bóng", "quantity": trees, "unit": "cây",
                    "diameter_cm": _typed(diameter), "height_m": _typed(height), "wood_density": "0,6",
                    "evidence": "cân đo",
                })
        product, yield_t = HARVEST[crop]
        self.records.append({
            "record_id": f"{plot_id}-{self.year}-harvest", "plot_id": plot_id, "year": str(self.year),
            "activity": "harvest", "product": product,
            "quantity": _typed(round(yield_t * area * float(rng.uniform(0.7, 1.2)), 1)), "unit": "tấn",
            "n_content": "", "use": "", "evidence": "sổ ghi chép",
        })
        if "intercrop" in extra:  # the intercrop's harvest, on its share of the area
            product, yield_t = HARVEST[extra["intercrop"]]
            share = float(extra["intercrop_share"].replace(",", "."))
            self.records.append({
                "record_id": f"{plot_id}-{self.year}-intercrop", "plot_id": plot_id, "year": str(self.year),
                "activity": "harvest", "product": product, "quantity": _typed(round(yield_t * area * share, 1)),
                "unit": "tấn", "n_content": "", "use": "", "evidence": "sổ ghi chép",
            })

    def rice_plot(self, plot_id: str, commune: str, low: bool, **extra) -> None:
        """A paddy field of two seasons (IPCC 2019 Eq. 5.1–5.3 records): flooded throughout,
        or drained in the low-emission practice; urea and early-incorporated straw each season."""
        rng = self.rng
        area = round(float(rng.uniform(0.2, 1.5)), 1)
        self.plots.append({"plot_id": plot_id, "commune_code": commune, "crop": "lúa", "area": _typed(area * 10),
                           "area_unit": "sào nam", "climate": "wet", "irrigation": "flood", **self.place(commune), **extra})
        for season, days, conventional, drained in RICE_SEASONS:
            key = f"{plot_id}-{self.year}-{season.split()[0].lower()}"
            common = {"plot_id": plot_id, "year": str(self.year), "season": season, "evidence": "sổ ghi chép"}
            self.records += [
                {**common, "record_id": f"{key}-season", "activity": "vụ lúa", "quantity": _typed(area * 10),
                 "unit": "sào nam", "days": str(days), "water_regime": drained if low else conventional},
                {**common, "record_id": f"{key}-urea", "activity": "fertiliser", "product": "urea",
                 "quantity": _typed(round(RICE_INPUTS["urea"] * area * float(rng.uniform(0.8, 1.2)))), "unit": "kg"},
                {**common, "record_id": f"{key}-straw", "activity": "vùi rơm rạ", "product": "rơm rạ vùi sớm",
                 "quantity": _typed(round(RICE_INPUTS["straw"] * area, 1)), "unit": "tấn",
                 "dry_matter": str(RICE_INPUTS["straw_dry_matter"])},
                {**common, "record_id": f"{key}-harvest", "activity": "harvest", "product": "thóc",
                 "quantity": _typed(round(RICE_INPUTS["paddy"] * area * float(rng.uniform(0.8, 1.1)), 1)), "unit": "tấn"},
            ]

    def tables(self) -> dict[str, pd.DataFrame]:
        rng, year, communes = self.rng, self.year, self.communes
        cooperatives = [{"cooperative_id": f"HTX-{i + 1:03d}", "name": f"HTX nông nghiệp {c['name']}",
                         "kind": "htx" if i % 5 else "vùng", "commune_code": c["code"]}
                        for i, c in enumerate(communes[::2])]
        models = [{"pilot_model_id": "TINH-CAPHE", "name": "Mô hình cà phê giảm phát thải cấp tỉnh", "level": "tỉnh",
                   "crop": "coffee", "commune_code": communes[0]["code"], "start_year": str(year - 1),
                   "practice_package": "bón phân cân đối, phân hữu cơ, tưới nhỏ giọt"},
                  {"pilot_model_id": "TINH-MIA", "name": "Mô hình mía giảm phát thải cấp tỉnh", "level": "tỉnh",
                   "crop": "sugarcane", "commune_code": communes[1]["code"], "start_year": str(year - 1),
                   "practice_package": "không đốt lá mía, vùi phụ phẩm, giảm urê"}]
        crop_names = catalogue("crops")["name_vi"]
        for i, commune in enumerate(communes):
            crop = self.crop_of(i)
            models.append({"pilot_model_id": f"MH-{commune['code']}", "name": f"Mô hình {crop_names[crop]} {commune['name']}",
                           "level": "xã", "crop": crop, "commune_code": commune["code"], "start_year": str(year),
                           "practice_package": "quy trình phát thải thấp"})
        for model in models:
            pilots = 6 if model["level"] == "tỉnh" else 3
            member = {"cooperative_id": DEMO_GROUP} if model["pilot_model_id"] == "TINH-CAPHE" else {}
            for k in range(pilots + 2):
                low = k < pilots
                self.plot(f"{model['pilot_model_id']}-{k + 1}", model["commune_code"], model["crop"], low,
                          pilot_model_id=model["pilot_model_id"], role="thí điểm" if low else "đối chứng",
                          farm_id=f"HO-{model['pilot_model_id']}-{k + 1}", **member)
        for crop in CROPS:
            for farm in range(300):
                commune = communes[int(rng.integers(len(communes)))]
                extra = {"farm_id": f"HO-{crop[:3].upper()}-{farm + 1:04d}", "farm_kind": "nông hộ"}
                if rng.random() < 0.4:
                    extra["cooperative_id"] = cooperatives[int(rng.integers(len(cooperatives)))]["cooperative_id"]
                if crop == "coffee" and rng.random() < 0.3:
                    extra.update(intercrop=str(rng.choice(["durian", "pepper"])), intercrop_share="0,2")
                self.plot(f"{crop[:3].upper()}-{farm + 1:04d}", commune["code"], crop, bool(rng.random() < 0.15), **extra)
        for farm in range(100):
            commune = communes[int(rng.integers(len(communes)))]
            self.rice_plot(f"LUA-{farm + 1:04d}", commune["code"], bool(rng.random() < 0.3),
                           farm_id=f"HO-LUA-{farm + 1:04d}", farm_kind="nông hộ")
        areas, adoption = [], []
        for i, commune in enumerate(communes):
            for crop in sorted({self.crop_of(i), "coffee", str(rng.choice(CROPS))}):
                area = float(rng.uniform(200, 4000)) if crop == "coffee" else float(rng.uniform(50, 1500))
                areas.append({"commune_code": commune["code"], "year": str(year), "crop": crop,
                              "area": _typed(round(area)), "area_unit": "ha",
                              "production": _typed(round(area * HARVEST[crop][1] * float(rng.uniform(0.8, 1.1)))),
                              "production_unit": "tấn"})
                share = round(float(rng.uniform(0.05, 0.3)), 2)
                adoption += [{"commune_code": commune["code"], "year": str(year), "profile_id": f"{crop}-low", "share": _typed(share * 100)},
                             {"commune_code": commune["code"], "year": str(year), "profile_id": f"{crop}-conv", "share": _typed(100 - share * 100)}]
        for commune in communes[::3]:  # rice in a third of the communes, two seasons a year
            area = float(self.paddy.uniform(100, 1200))
            areas.append({"commune_code": commune["code"], "year": str(year), "crop": "rice", "area": _typed(round(area)),
                          "area_unit": "ha", "production": _typed(round(area * RICE_INPUTS["paddy"] * len(RICE_SEASONS))),
                          "production_unit": "tấn"})
            share = round(float(self.paddy.uniform(0.1, 0.4)), 2)
            adoption += [{"commune_code": commune["code"], "year": str(year), "profile_id": "rice-low", "share": _typed(share * 100)},
                         {"commune_code": commune["code"], "year": str(year), "profile_id": "rice-conv", "share": _typed(100 - share * 100)}]
        classes, lifecycle = [], catalogue("crops")["lifecycle"]
        for row in areas:  # each perennial crop's area by planting year: young, bearing and old orchards
            if lifecycle[row["crop"]] != "perennial":
                continue
            total = int(row["area"])  # whole hectares
            young, bearing = (int(total * share) for share in self.orchards.dirichlet([1, 2, 3])[:2])
            planted = (year - int(self.orchards.integers(0, 4)), year - int(self.orchards.integers(5, 12)),
                       year - int(self.orchards.integers(15, 30)))
            classes += [{"commune_code": row["commune_code"], "year": str(year), "crop": row["crop"],
                         "planting_year": str(first), "area": str(hectares), "area_unit": "ha"}
                        for first, hectares in zip(planted, (young, bearing, total - young - bearing)) if hectares]
        areas, adoption = self.year_before(areas, adoption)
        profiles = [{"profile_id": f"{crop}-{'low' if low else 'conv'}",
                     "name": f"{crop}: {'phát thải thấp' if low else 'thông thường'}", "crop": crop,
                     "low_emission": "có" if low else "không", "activity": activity, "product": product,
                     "quantity": _typed(rate), "unit": unit, "n_content": n_content, "use": use}
                    for (crop, low), inputs in PRACTICES.items() for activity, product, rate, unit, n_content, use in inputs]
        profiles += [{"profile_id": f"{crop}-low", "name": f"{crop}: phát thải thấp", "crop": crop, "low_emission": "có",
                      "activity": "thay đổi canh tác đất", "product": practice, "quantity": "1", "unit": "ha",
                      "previous_practice": former} for crop, (practice, former) in SOIL_PRACTICES.items()]
        profiles += [{"profile_id": f"rice-{'low' if low else 'conv'}",
                      "name": f"lúa: {'ướt khô xen kẽ' if low else 'ngập liên tục'}", "crop": "rice",
                      "low_emission": "có" if low else "không", "activity": activity, "product": product,
                      "quantity": quantity, "unit": unit, "season": season, **extra}
                     for low in (False, True) for season, days, conventional, drained in RICE_SEASONS
                     for activity, product, quantity, unit, extra in (
                         ("vụ lúa", "", "1", "ha", {"days": str(days), "water_regime": drained if low else conventional}),
                         ("fertiliser", "urea", _typed(RICE_INPUTS["urea"]), "kg", {}),
                         ("vùi rơm rạ", "rơm rạ vùi sớm", _typed(RICE_INPUTS["straw"]), "tấn",
                          {"dry_matter": str(RICE_INPUTS["straw_dry_matter"])}))]
        lots = self.lots(models[0], DEMO_GROUP)
        return {"cooperatives": pd.DataFrame(cooperatives), "pilot_models": pd.DataFrame(models),
                "plots": pd.DataFrame(self.plots).fillna(""), "records": pd.DataFrame(self.records).fillna(""),
                "commune_crops": pd.DataFrame(areas), "age_classes": pd.DataFrame(classes),
                "practice_profiles": pd.DataFrame(profiles).fillna(""),
                "adoption": pd.DataFrame(adoption),
                "plan_indicators": pd.DataFrame([
                    {"year": str(year), "kind": "thực hiện", "farmers_trained": "640", "communication_events": "12",
                     "research_tasks": "3", "zones_formed": "4", "cooperatives_formed": "2", "note": "số liệu minh hoạ"},
                    *({"year": str(target), "kind": "mục tiêu", "farmers_trained": trained, "low_emission_ha": area,
                       "reduction_t": reduction, "note": "mục tiêu minh hoạ: nhập mục tiêu của kế hoạch tỉnh"}
                      for target, trained, area, reduction in (("2030", "5000", "60000", "150000"),
                                                               ("2035", "10000", "100000", "250000")))]).fillna(""),
                "lots": pd.DataFrame(lots)}

    def lots(self, model: dict, cooperative: str) -> list[dict]:
        """Two lots of the provincial coffee model's green coffee, bought by the cooperative
        of its commune: `DEMO_LOT` from its pilot plots (each delivering 60 % of its harvest,
        in tạ) and a second from its control plots, which the label refuses."""
        harvest = {row["plot_id"]: float(row["quantity"].replace(",", ".")) for row in self.records
                   if row["record_id"].endswith(f"-{self.year}-harvest")}
        plots = [row["plot_id"] for row in self.plots if row.get("pilot_model_id") == model["pilot_model_id"]]
        return [{"lot_id": lot, "cooperative_id": cooperative, "year": str(self.year), "crop": model["crop"],
                 "plot_id": plot, "quantity": _typed(round(harvest[plot] * 0.6 * 10, 1)), "unit": "tạ",
                 "product": "cà phê nhân"}
                for lot, chosen in ((DEMO_LOT, plots[:6]), ("LO-002", plots[6:])) for plot in chosen]

    def year_before(self, areas: list[dict], adoption: list[dict]) -> tuple[list[dict], list[dict]]:
        """The same areas the year before, and each low-emission share a few points lower
        (the conventional one the rest): the area that took a profile up in the year (its
        soil practice change). Profile ids are `<crop>-low` and `<crop>-conv`."""
        def crop(row: dict) -> tuple[str, str]:
            return row["commune_code"], row["profile_id"].rsplit("-", 1)[0]

        low = {crop(row): max(0.0, float(row["share"].replace(",", ".")) - float(self.uptake.integers(2, 8)))
               for row in adoption if row["profile_id"].endswith("-low")}
        before = str(self.year - 1)
        shares = [{**row, "year": before, "share": _typed(low[crop(row)] if row["profile_id"].endswith("-low")
                                                          else 100 - low[crop(row)])} for row in adoption]
        return [*({**row, "year": before} for row in areas), *areas], [*shares, *adoption]


def write_demo(folder: str | Path, *, seed: int = 2025, year: int = 2025) -> list[Path]:
    """Write the demo's import files (one CSV per table, in the order to import them)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, frame in _Demo(seed, year).tables().items():
        path = folder / f"{name}.csv"
        frame.to_csv(path, index=False, encoding="utf-8")
        paths.append(path)
    return paths


def write_demo_claims(folder: str | Path, *, year: int = 2025) -> Path:
    """The demo's claims register file, imported once the year is verified: a carbon
    credit on all that the provincial coffee pilot's first three plots reduced, and a label
    on 1 t CO2e of the fourth."""
    rows = [{"claim_id": "TB-001", "kind": "tín chỉ carbon", "claimant": "HTX nông nghiệp Phường Tuy Hòa",
             "plot_id": f"TINH-CAPHE-{k}", "year": str(year), "tonnes": ""} for k in (1, 2, 3)]
    rows.append({"claim_id": "TB-002", "kind": "nhãn", "claimant": DEMO_GROUP, "plot_id": "TINH-CAPHE-4",
                 "year": str(year), "tonnes": "1"})
    path = Path(folder) / "claims.csv"
    pd.DataFrame(rows).to_csv(path, index=False, encoding="utf-8")
    return path


def demo_users(engine: Engine) -> list[tuple[str, str, str | None, str]]:
    """Register the demo's users (one per role) that are not registered yet, give each a new
    random password for the server, and return them all: (name, role, commune, password).
    The passwords are for trying the demo only; nothing of them is kept but their hashes."""
    known = {name for name, _, _ in list_users(engine, scope=LOCAL)}
    accounts = []
    for name, role, commune in DEMO_USERS:
        password = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(16))
        if name in known:
            set_password(engine, name, password, by=LOCAL)
        else:
            add_user(engine, name, role, commune, password, by=LOCAL)
        accounts.append((name, role, commune, password))
    return accounts


def verify_demo_year(engine: Engine, year: int) -> str:
    """Take `DEMO_VERIFIED`'s demo year through submit (the province officer who imported
    it) and verify (the demo verifier, who did not); a year already past open (the demo run
    again) stays as it is. Returns the commune code."""
    with Session(engine) as session:
        current = status_of(session, DEMO_VERIFIED, year)
    if current == "open":
        review(engine, DEMO_VERIFIED, year, "submit", by=DEMO_IMPORTER)
    if current in ("open", "submitted"):
        review(engine, DEMO_VERIFIED, year, "verify", by=DEMO_USERS[2][0])
    return DEMO_VERIFIED


def certify_demo_lot(engine: Engine) -> str:
    """The certificate of `DEMO_LOT` as it is now: the one already issued on its current
    version and the year's official run in force, else a new one issued by the demo's
    province officer."""
    with Session(engine) as session:
        issued = session.execute(select(Certificate.code).join(HarvestLot, HarvestLot.id == Certificate.lot_id)
                                 .where(HarvestLot.code == DEMO_LOT, HarvestLot.is_current.is_(True))
                                 .order_by(Certificate.issued_at.desc())).scalars().first()
    if issued is not None and verify_certificate(engine, issued).unchanged:
        return issued
    return issue_certificate(engine, DEMO_LOT, by=DEMO_IMPORTER)
