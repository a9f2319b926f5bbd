"""The words the generator draws from: countries, trades, company and people names, roles, and
the reasons written on complaints, disputes and distress signals."""

from __future__ import annotations

SALESPEOPLE = ("Anna Keller", "Marc Dubois", "Sofia Marino", "Jonas Berg", "Elena Novak")

#: (country code, legal form, e-mail domain, weight)
COUNTRIES = (("DE", "GmbH", "de", 30), ("NL", "B.V.", "nl", 20), ("FR", "SARL", "fr", 14),
             ("BE", "SRL", "be", 10), ("AT", "GmbH", "at", 8), ("IE", "Ltd", "ie", 8),
             ("ES", "S.L.", "es", 5), ("IT", "S.r.l.", "it", 5))
COUNTRY_CODES = tuple(code for code, *_ in COUNTRIES)
#: country code -> the top-level domain of its customers' e-mail addresses
DOMAINS = {code: domain for code, _, domain, _ in COUNTRIES}

#: industry -> the trade words of its company names
TRADES = {
    "hospitality": ("Hotel", "Guesthouse", "Bistro", "Brasserie", "Inn"),
    "catering": ("Catering", "Kitchens", "Banqueting", "Canteens"),
    "retail": ("Stores", "Market", "Home & Garden", "Supplies Shop"),
    "construction": ("Construction", "Builders", "Renovations", "Roofing"),
    "healthcare": ("Care Home", "Dental Practice", "Medical Centre", "Physio"),
    "education": ("Academy", "Language School", "Training Institute"),
    "office services": ("Business Centre", "Office Services", "Coworking"),
    "cleaning": ("Cleaning Services", "Facility Services", "Hygiene"),
    "events": ("Events", "Venues", "Festival Services"),
}
STEMS = ("Aldmoor", "Brenvik", "Castelmar", "Dornhaven", "Elsweather", "Falkenrode", "Greywick",
         "Hollingmere", "Ivarsholm", "Jarnbury", "Kestrelton", "Linderhof", "Marlowen", "Norrebrook",
         "Oakhurst", "Pelloran", "Quenby", "Rosenau", "Saltmarsh", "Thornvale", "Ulmendorf",
         "Valcourt", "Westerbeek", "Yarrowfield", "Zeldenrust", "Ambrell", "Bellacroix", "Corvana",
         "Dunmore", "Eastcliff", "Fennimore", "Goldcrest", "Harwell", "Isenbrook", "Juniper",
         "Kingsmere", "Lakeside", "Millbrook", "Northgate", "Orchard", "Pinecrest", "Redfern",
         "Silverleaf", "Tidewater", "Upland", "Vintner", "Willowby", "Brightwater", "Copperfield",
         "Driftwood", "Emberly", "Foxglove", "Glenrock", "Heatherly", "Ironbridge", "Larchmont",
         "Moorland", "Nettleton", "Oldmill", "Primrose", "Quarrystone", "Ravenhill", "Stonebridge")
FIRST_NAMES = ("Anna", "Lukas", "Marie", "Jan", "Sophie", "Pieter", "Camille", "Thomas", "Lea", "Daan",
               "Claire", "Niamh", "Jonas", "Eva", "Hugo", "Ines", "Mateo", "Giulia", "Ruben", "Emma",
               "Felix", "Sara", "Bram", "Chloe", "Liam", "Nora", "Paul", "Julia", "Sean", "Lotte")
LAST_NAMES = ("Vermeulen", "Hartmann", "Lefevre", "Brennan", "Kowalczyk", "Moreau", "Jansen", "Schreiber",
              "Fontaine", "Gallagher", "De Smet", "Hofer", "Navarro", "Ricci", "Bakker", "Lambert",
              "Weber", "Dubois", "Murphy", "Peeters", "Huber", "Castillo", "Romano", "Visser", "Maes")
ROLES = ("Accounts payable", "Purchasing manager", "Owner", "Office manager", "Finance director",
         "Bookkeeper")

COMPLAINTS = ("damaged goods on delivery", "late delivery", "wrong items delivered",
              "quality of cleaning products", "missing items in shipment", "rude driver",
              "price differs from quote")
DISPUTE_REASONS = ("short delivery", "price differs from quote", "damaged goods", "duplicate billing",
                   "goods returned, credit not yet issued")
#: (signal kind, note, source) of the external-distress signals
DISTRESS = (
    ("industry_distress", "Regional hospitality sector hit by a wave of insolvencies", "news"),
    ("country_distress", "Payment delays reported across the country after banking restrictions", "news"),
    ("merger_acquisition", "Taken over by a holding company; purchasing moves to head office", "sales"),
    ("leadership_change", "Founder retired; new managing director replaces the finance team", "sales"),
)
