"""Where cities are: a small gazetteer for distances between job offers and job-seekers.

Main cities of the partner countries and Germany, rounded coordinates (latitude, longitude).
A city not listed simply has no coordinates: matching then compares city names and countries.
"""

from __future__ import annotations

CITIES: dict[str, dict[str, tuple[float, float]]] = {
    "AF": {
        "Kabul": (34.53, 69.17),
        "Herat": (34.35, 62.20),
        "Mazar-i-Sharif": (36.71, 67.11),
        "Kandahar": (31.61, 65.71),
        "Jalalabad": (34.43, 70.45),
        "Kunduz": (36.73, 68.86),
    },
    "EG": {
        "Cairo": (30.04, 31.24),
        "Alexandria": (31.20, 29.92),
        "Giza": (30.01, 31.21),
        "Asyut": (27.18, 31.19),
        "Mansoura": (31.04, 31.38),
        "Luxor": (25.69, 32.64),
    },
    "AL": {
        "Tirana": (41.33, 19.82),
        "Durrës": (41.32, 19.45),
        "Shkodër": (42.07, 19.51),
        "Elbasan": (41.11, 20.08),
        "Vlorë": (40.47, 19.49),
        "Korçë": (40.62, 20.78),
        "Fier": (40.72, 19.56),
    },
    "GM": {
        "Banjul": (13.45, -16.58),
        "Serekunda": (13.44, -16.68),
        "Brikama": (13.27, -16.65),
        "Farafenni": (13.57, -15.60),
    },
    "GH": {
        "Accra": (5.60, -0.19),
        "Kumasi": (6.69, -1.62),
        "Tamale": (9.40, -0.85),
        "Takoradi": (4.90, -1.76),
        "Cape Coast": (5.11, -1.25),
    },
    "IQ": {
        "Erbil": (36.19, 44.01),
        "Baghdad": (33.32, 44.37),
        "Mosul": (36.34, 43.13),
        "Sulaymaniyah": (35.56, 45.44),
        "Duhok": (36.87, 42.99),
        "Basra": (30.51, 47.78),
        "Kirkuk": (35.47, 44.39),
    },
    "XK": {
        "Pristina": (42.66, 21.17),
        "Prizren": (42.21, 20.74),
        "Peja": (42.66, 20.29),
        "Mitrovica": (42.89, 20.87),
        "Gjilan": (42.46, 21.47),
        "Ferizaj": (42.37, 21.16),
    },
    "MA": {
        "Casablanca": (33.57, -7.59),
        "Rabat": (34.02, -6.83),
        "Marrakesh": (31.63, -8.01),
        "Fes": (34.03, -5.00),
        "Tangier": (35.76, -5.83),
        "Agadir": (30.43, -9.60),
        "Oujda": (34.68, -1.91),
    },
    "NG": {
        "Lagos": (6.52, 3.38),
        "Abuja": (9.08, 7.40),
        "Kano": (12.00, 8.52),
        "Ibadan": (7.38, 3.95),
        "Benin City": (6.34, 5.63),
        "Port Harcourt": (4.82, 7.03),
    },
    "PK": {
        "Islamabad": (33.68, 73.05),
        "Lahore": (31.55, 74.34),
        "Karachi": (24.86, 67.01),
        "Rawalpindi": (33.60, 73.04),
        "Peshawar": (34.01, 71.58),
        "Faisalabad": (31.42, 73.08),
        "Sialkot": (32.49, 74.52),
    },
    "SN": {
        "Dakar": (14.72, -17.47),
        "Thiès": (14.79, -16.93),
        "Saint-Louis": (16.03, -16.49),
        "Touba": (14.85, -15.88),
        "Kaolack": (14.15, -16.07),
        "Ziguinchor": (12.57, -16.27),
    },
    "RS": {
        "Belgrade": (44.79, 20.45),
        "Novi Sad": (45.25, 19.84),
        "Niš": (43.32, 21.90),
        "Kragujevac": (44.01, 20.91),
        "Subotica": (46.10, 19.67),
    },
    "TN": {
        "Tunis": (36.81, 10.18),
        "Sfax": (34.74, 10.76),
        "Sousse": (35.83, 10.64),
        "Kairouan": (35.68, 10.10),
        "Bizerte": (37.27, 9.87),
        "Gabès": (33.88, 10.10),
    },
    "DE": {
        "Berlin": (52.52, 13.40),
        "Bochum": (51.48, 7.22),
        "Essen": (51.46, 7.01),
        "Düsseldorf": (51.23, 6.78),
        "Cologne": (50.94, 6.96),
        "Munich": (48.14, 11.58),
        "Hamburg": (53.55, 9.99),
        "Frankfurt": (50.11, 8.68),
        "Stuttgart": (48.78, 9.18),
        "Bonn": (50.74, 7.10),
        "Dortmund": (51.51, 7.47),
        "Leipzig": (51.34, 12.37),
    },
}


def locate(country: str, city: str) -> tuple[float, float] | None:
    """Coordinates of a listed city (case-insensitive), or None."""
    wanted = city.strip().casefold()
    for name, point in CITIES.get(country, {}).items():
        if name.casefold() == wanted:
            return point
    return None


def city_names(country: str) -> list[str]:
    return sorted(CITIES.get(country, {}))
