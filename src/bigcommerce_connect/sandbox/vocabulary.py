"""The seed's fixed vocabulary: names, product words, cities and the base date.

Unicode on purpose (accents, apostrophes, emoji, right-to-left scripts): importers must carry
every one of them through unchanged.
"""

from __future__ import annotations

from datetime import datetime, timezone

#: Fixed base date of the seeded data, so a seed always gives the same timestamps.
SEED_BASE = datetime(2026, 1, 1, tzinfo=timezone.utc)

FIRST_NAMES = (
    "Jane",
    "José",
    "Zoë",
    "Siobhán",
    "محمد",
    "Łukasz",
    "Renée",
    "D'Arcy",
    "Noa",
    "Ævar",
    "Chloé",
    "Søren",
    "Ana 🌸",
    "Yūki",
    "Björn",
    "Dvořák",
)
LAST_NAMES = (
    "Doe",
    "O'Brien",
    "Núñez",
    "Müller",
    "العربي",
    "Smith 🎉",
    "Ferreira",
    "שלום",
    "Kowalski",
    "Öztürk",
    "Lefèvre",
    "d'Alembert",
    "García",
    "Nguyễn",
    "Brontë",
    "Åberg",
)
PRODUCT_WORDS = (
    "Chambray Towel",
    "Café Mug",
    "Kids' Sneaker",
    "Crème Brûlée Set",
    "Garden Hose",
    "Smörgåsbord Tray",
    "Piñata 🎉",
    "Łódź Scarf",
    "Orchid Pot",
    "Jalapeño Sauce",
)
#: (city, state, postal code, ISO country code, country name).
CITIES = (
    ("Austin", "Texas", "78108", "US", "United States"),
    ("München", "Bayern", "80331", "DE", "Germany"),
    ("Montréal", "Québec", "H2X 1Y4", "CA", "Canada"),
    ("תל אביב", "Tel Aviv", "6100000", "IL", "Israel"),
)
#: Option labels of the seeded products that have variants.
SIZES = ("S", "M", "L")
PAYMENT_STATUSES = ("authorized", "captured", "paid", "pending", "refunded", "void")
